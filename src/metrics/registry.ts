// The scrape: run every collector in isolation (a failing one is reported and costs only
// its own series), write our families, then prom-client's Node.js process metrics.
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Fleet } from '../monitor/fleet.js';
import type { Logger } from '../log.js';
import { METRICS, PROCESS_METRICS_PREFIX } from './definitions.js';
import type { Collector } from './collector.js';
import { MetricFamily, type Sample } from './family.js';
import { DistributionCollector } from './collectors/distribution.js';
import { DriftCollector } from './collectors/drift.js';
import { QualityCollector } from './collectors/quality.js';
import { TrafficCollector } from './collectors/traffic.js';
import { VariantsCollector } from './collectors/variants.js';

const MISNAMED_DEFAULT_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export class MetricsRegistry {
  /** prom-client's registry, for the Node.js process metrics only. */
  readonly registry = new Registry();
  private readonly families: MetricFamily[] = [];
  private readonly processMetrics: boolean;
  private readonly success = new MetricFamily(METRICS.scrapeCollectorSuccess);
  private readonly duration = new MetricFamily(METRICS.scrapeCollectorDuration);
  private readonly status: { success: Sample; duration: Sample }[];

  constructor(
    readonly collectors: readonly Collector[],
    private readonly log: Logger,
    options: { processMetrics: boolean },
  ) {
    for (const collector of collectors) for (const family of collector.families) this.register(family);
    this.register(this.success);
    this.register(this.duration);
    this.status = collectors.map((c) => ({
      success: { labels: { collector: c.name }, value: 0 },
      duration: { labels: { collector: c.name }, value: 0 },
    }));
    this.success.samples = this.status.map((s) => s.success);
    this.duration.samples = this.status.map((s) => s.duration);
    this.processMetrics = options.processMetrics;
    if (options.processMetrics) {
      collectDefaultMetrics({ register: this.registry, prefix: PROCESS_METRICS_PREFIX });
      // prom-client names these gauges *_total, which promtool rejects (only counters end in _total).
      for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(`${PROCESS_METRICS_PREFIX}${name}`);
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of one scrape. */
  async render(): Promise<string> {
    this.collectors.forEach((collector, i) => this.runCollector(collector, this.status[i]));
    let text = '';
    for (const family of this.families) text += family.render();
    return this.processMetrics ? text + (await this.registry.metrics()) : text;
  }

  private runCollector(collector: Collector, status: { success: Sample; duration: Sample }): void {
    const started = process.hrtime.bigint();
    try {
      collector.update();
      status.success.value = 1;
    } catch (error) {
      for (const family of collector.families) family.reset();
      status.success.value = 0;
      this.log.error({ err: error, collector: collector.name }, 'metrics collector failed; its series are left out of this scrape');
    }
    status.duration.value = Number(process.hrtime.bigint() - started) / 1e9;
  }

  private register(family: MetricFamily): void {
    if (this.families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} is registered twice`);
    this.families.push(family);
  }
}

export function createCollectors(fleet: Fleet): Collector[] {
  return [new TrafficCollector(fleet), new QualityCollector(fleet), new DistributionCollector(fleet), new DriftCollector(fleet), new VariantsCollector(fleet)];
}

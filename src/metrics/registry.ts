// The scrape: run every collector in isolation (a failing one is reported and costs only
// its own series, for that scrape only), write our families, then prom-client's Node.js
// process metrics.
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Fleet } from '../monitor/fleet.js';
import type { Logger } from '../log.js';
import { METRICS, PROCESS_METRICS_PREFIX } from './definitions.js';
import type { Collector } from './collector.js';
import { MetricFamily, type Sample } from './family.js';
import { DistributionCollector } from './collectors/distribution.js';
import { DriftCollector } from './collectors/drift.js';
import { EstimateCollector } from './collectors/estimate.js';
import { PerformanceCollector } from './collectors/performance.js';
import { QualityCollector } from './collectors/quality.js';
import { TrafficCollector } from './collectors/traffic.js';
import { LabelsCollector } from './collectors/labels.js';
import { RealisedPerformanceCollector } from './collectors/realised-performance.js';
import { VariantsCollector } from './collectors/variants.js';
import { RuntimeCollector } from './collectors/runtime.js';
import type { EventLoopDelay } from './event-loop.js';
import { EventTimeCollector } from './collectors/event-time.js';

const MISNAMED_DEFAULT_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export class MetricsRegistry {
  /** prom-client's registry, for the Node.js process metrics only. */
  readonly registry: Registry;
  private readonly families: MetricFamily[] = [];
  /** owners[i]: index in `collectors` of the collector that fills families[i]; -1 for the registry's own. */
  private readonly owners: number[] = [];
  /** failed[c]: collector c threw during the scrape being rendered. */
  private readonly failed: boolean[];
  private readonly processMetrics: boolean;
  private readonly success = new MetricFamily(METRICS.scrapeCollectorSuccess);
  private readonly duration = new MetricFamily(METRICS.scrapeCollectorDuration);
  private readonly status: { success: Sample; duration: Sample }[];

  constructor(
    readonly collectors: readonly Collector[],
    private readonly log: Logger,
    /** processRegistry: the process metrics of an earlier registry (a reload's new collectors), collected once per process. */
    options: { processMetrics: boolean; processRegistry?: Registry },
  ) {
    this.registry = options.processRegistry ?? new Registry();
    collectors.forEach((collector, c) => {
      for (const family of collector.families) this.register(family, c);
    });
    this.register(this.success, -1);
    this.register(this.duration, -1);
    this.failed = collectors.map(() => false);
    this.status = collectors.map((c) => ({
      success: { labels: { collector: c.name }, value: 0 },
      duration: { labels: { collector: c.name }, value: 0 },
    }));
    this.success.samples = this.status.map((s) => s.success);
    this.duration.samples = this.status.map((s) => s.duration);
    this.processMetrics = options.processMetrics;
    if (options.processMetrics && options.processRegistry === undefined) {
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
    this.collectors.forEach((collector, c) => (this.failed[c] = !this.runCollector(collector, this.status[c])));
    let text = '';
    // A failed collector's families are left out of this scrape, not emptied: collectors
    // build some samples once (model info, reference ratios) and refill the rest at the
    // next update, so the next scrape is whole again.
    this.families.forEach((family, i) => {
      if (this.owners[i] < 0 || !this.failed[this.owners[i]]) text += family.render();
    });
    return this.processMetrics ? text + (await this.registry.metrics()) : text;
  }

  /** Whether the collector's update succeeded. */
  private runCollector(collector: Collector, status: { success: Sample; duration: Sample }): boolean {
    const started = process.hrtime.bigint();
    let ok = true;
    try {
      collector.update();
    } catch (error) {
      ok = false;
      this.log.error({ err: error, collector: collector.name }, 'metrics collector failed; its series are left out of this scrape');
    }
    status.success.value = ok ? 1 : 0;
    status.duration.value = Number(process.hrtime.bigint() - started) / 1e9;
    return ok;
  }

  private register(family: MetricFamily, owner: number): void {
    if (this.families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} is registered twice`);
    this.families.push(family);
    this.owners.push(owner);
  }
}

/** The collectors of a sidecar; the event-loop delay one only when given its sampler. */
export function createCollectors(fleet: Fleet, eventLoop?: EventLoopDelay): Collector[] {
  const collectors: Collector[] = [
    new TrafficCollector(fleet),
    new QualityCollector(fleet),
    new DistributionCollector(fleet),
    new DriftCollector(fleet),
    new VariantsCollector(fleet),
    new PerformanceCollector(fleet),
    new EstimateCollector(fleet),
    new EventTimeCollector(fleet),
    new LabelsCollector(fleet),
    new RealisedPerformanceCollector(fleet),
  ];
  if (eventLoop) collectors.push(new RuntimeCollector(eventLoop));
  return collectors;
}

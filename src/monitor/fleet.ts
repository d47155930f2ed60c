// Every monitored model of this sidecar, and the timers that run off the hot path:
// rotating each model's drift window and recomputing its drift scores.
import type { Config } from '../config/types.js';
import type { Reference } from '../reference/types.js';
import { DriftComputer } from './drift.js';
import { ModelMonitor } from './model-monitor.js';
import { RejectionCounts } from './rejections.js';

export interface MonitoredModel {
  /** Position in the config's models (the index RejectionCounts uses). */
  index: number;
  monitor: ModelMonitor;
  drift: DriftComputer;
}

export class Fleet {
  readonly models: MonitoredModel[];
  readonly byName: Map<string, MonitoredModel>;
  readonly rejections: RejectionCounts;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    readonly config: Config,
    references: ReadonlyMap<string, Reference>,
  ) {
    this.models = config.models.map((model, index) => {
      const reference = references.get(model.name);
      if (!reference) throw new Error(`no reference loaded for model "${model.name}"`);
      const monitor = new ModelMonitor(model, reference, config.metrics.latency_buckets_seconds, config.metrics.max_label_value_bytes);
      return { index, monitor, drift: new DriftComputer(monitor.layout, model.drift) };
    });
    this.byName = new Map(this.models.map((m) => [m.monitor.model.name, m]));
    this.rejections = new RejectionCounts(this.models.length);
  }

  /** Start the rotation and drift timers; they never keep the process alive. */
  start(onError: (error: unknown, model: string) => void): void {
    for (const m of this.models) {
      const drift = m.monitor.model.drift;
      const rotateMs = (drift.window_seconds * 1000) / drift.sub_windows;
      const rotate = setInterval(() => m.monitor.state.window.rotate(), rotateMs);
      const compute = setInterval(() => {
        try {
          this.computeDrift(m);
        } catch (error) {
          onError(error, m.monitor.model.name);
        }
      }, drift.compute_interval_seconds * 1000);
      rotate.unref();
      compute.unref();
      this.timers.push(rotate, compute);
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  computeDrift(m: MonitoredModel, nowSeconds = Date.now() / 1000): void {
    m.drift.compute(m.monitor.state.window, nowSeconds);
  }

  computeAllDrift(nowSeconds = Date.now() / 1000): void {
    for (const m of this.models) this.computeDrift(m, nowSeconds);
  }
}

// Every monitored model of this sidecar, the clock their windows follow, and the timer that
// runs off the hot path: recomputing each model's drift scores.
import type { Config } from '../config/types.js';
import type { Reference } from '../reference/types.js';
import { DivergenceComputer } from './divergence.js';
import { DriftComputer } from './drift.js';
import { ModelMonitor } from './model-monitor.js';
import type { CellIndex } from './cell-index.js';
import type { ModelLabels } from './labels/model-labels.js';
import { RejectionCounts } from './rejections.js';
import { FleetJoin } from './labels/redis/fleet-join.js';
import type { LabelStoreConnection } from './labels/redis/connection.js';
import { modelKeyBase } from './labels/redis/records.js';

/** Unix milliseconds. Tests pass their own to move time without waiting. */
export type Clock = () => number;

export interface MonitoredModel {
  /** Position in the config's models (the index RejectionCounts uses). */
  index: number;
  monitor: ModelMonitor;
  drift: DriftComputer;
  divergence: DivergenceComputer;
}

export class Fleet {
  readonly models: MonitoredModel[];
  readonly byName: Map<string, MonitoredModel>;
  readonly rejections: RejectionCounts;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    readonly config: Config,
    references: ReadonlyMap<string, Reference>,
    readonly clock: Clock = Date.now,
    /** label_store redis: every model joins its labels through this connection. */
    labelStore: LabelStoreConnection | null = null,
  ) {
    const now = clock();
    this.models = config.models.map((model, index) => {
      const reference = references.get(model.name);
      if (!reference) throw new Error(`no reference loaded for model "${model.name}"`);
      const monitor = new ModelMonitor(model, reference, config.metrics.latency_buckets_seconds, now, config.metrics.max_label_value_bytes, clock);
      return {
        index,
        monitor,
        drift: new DriftComputer(monitor.layout, model.drift),
        divergence: new DivergenceComputer(monitor.layout, model.drift.min_samples),
      };
    });
    this.byName = new Map(this.models.map((m) => [m.monitor.model.name, m]));
    this.rejections = new RejectionCounts(this.models.length);
    if (labelStore !== null) for (const m of this.models) useFleetJoin(m.monitor.state.labels, labelStore, m.monitor.state.index, clock);
  }

  /** Start the drift timers; they never keep the process alive. */
  start(onError: (error: unknown, model: string) => void): void {
    for (const m of this.models) {
      const compute = setInterval(() => {
        try {
          this.computeDrift(m);
        } catch (error) {
          onError(error, m.monitor.model.name);
        }
      }, m.monitor.model.drift.compute_interval_seconds * 1000);
      compute.unref();
      this.timers.push(compute);
      m.monitor.state.labels.fleet?.start();
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** After the last event: the fleet's label joins stop and send what waits (resolves once sent). */
  async stopLabelJoins(): Promise<void> {
    await Promise.all(this.models.map((m) => m.monitor.state.labels.fleet?.stop()));
  }

  /** Bring the model's windows to now (dropping sub-windows that left them), then score each cell. */
  computeDrift(m: MonitoredModel, nowMs = this.clock()): void {
    const state = m.monitor.state;
    state.advance(nowMs);
    for (const subject of state.driftSubjects) m.drift.compute(subject, nowMs / 1000);
    const index = state.index;
    if (!index.sliced) return;
    const reference = state.defaultCell;
    for (let v = 0; v < index.variantNames.length; v++) {
      if (v === index.defaultVariant) continue;
      const cell = state.cells[index.variantCell(v)];
      m.divergence.compute(cell, reference, cell.divergence);
    }
  }

  computeAllDrift(nowMs = this.clock()): void {
    for (const m of this.models) this.computeDrift(m, nowMs);
  }
}

function useFleetJoin(labels: ModelLabels, connection: LabelStoreConnection, index: CellIndex, clock: Clock): void {
  const model = labels.model;
  const base = modelKeyBase(connection.keyPrefix, model, index);
  labels.useFleet((sink) => new FleetJoin(connection, base, model.label_ttl_seconds * 1000, model.max_pending_labels, index, sink, clock));
}

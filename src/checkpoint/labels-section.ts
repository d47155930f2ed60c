// The models' ground truth as a checkpoint section: per model, the join store's records and
// counters (src/monitor/labels/join-store.ts), each cell's realised-performance counters and
// their time-stamped window, the lag histogram and the labels received. One part per model,
// keyed by name and carrying the layout fingerprint like the model section, so a model whose
// config or reference changed starts its labels empty too. With label_store redis the records
// live in Redis: the part holds the fleet join's counters instead of the store.
import type { Fleet, MonitoredModel } from '../monitor/fleet.js';
import type { JoinStoreSnapshot } from '../monitor/labels/join-store.js';
import type { ModelLabels } from '../monitor/labels/model-labels.js';
import type { Part } from './format.js';
import { emptyReport, type CheckpointSection, type RestoreContext, type RestoreReport } from './section.js';

export const LABELS_SECTION = 'labels';

type View = ArrayBufferView;

interface LabelsMeta {
  key: string;
  fingerprint: string;
  received: number;
  lag_sum: number;
  lag_count: number;
  has_store: boolean;
  /** The part holds the fleet join's counters (label_store redis); absent in older checkpoints. */
  fleet_counters?: boolean;
  /** Each cell's newest performance-window bucket. */
  buckets: number[];
}

/** The store's arrays in snapshot order: the copies a snapshot holds, filled on restore. */
function storeViews(snapshot: JoinStoreSnapshot): View[] {
  const s = snapshot;
  return [s.h1, s.h2, s.at, s.value, s.predictedClass, s.variant, s.segmentValues, s.state, s.index, s.cursors, s.counters];
}

/** Everything but the store, in payload order. */
function labelViews(labels: ModelLabels): View[] {
  const views: View[] = [];
  for (const cell of labels.cells) views.push(cell.totals, cell.window.buckets, ...cell.window.subWindows);
  views.push(labels.lag.buckets);
  return views;
}

function byteLength(views: readonly View[]): number {
  let total = 0;
  for (const v of views) total += v.byteLength;
  return total;
}

function pack(views: readonly View[]): Buffer {
  const out = Buffer.allocUnsafe(byteLength(views));
  let at = 0;
  for (const v of views) {
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    at += v.byteLength;
  }
  return out;
}

function unpack(payload: Buffer, views: readonly View[]): void {
  let at = 0;
  for (const v of views) {
    new Uint8Array(v.buffer, v.byteOffset, v.byteLength).set(payload.subarray(at, at + v.byteLength));
    at += v.byteLength;
  }
}

export class LabelsSection implements CheckpointSection {
  readonly name = LABELS_SECTION;

  constructor(private readonly models: () => readonly MonitoredModel[]) {}

  *parts(): Iterable<{ meta: LabelsMeta; payload: Buffer }> {
    for (const m of this.models()) {
      const { state } = m.monitor;
      const labels = state.labels;
      const views = labelViews(labels);
      const fleet = labels.fleet;
      if (fleet !== null) views.push(fleet.counters());
      else if (labels.hasStore) views.push(...storeViews(labels.store.snapshot()));
      const meta: LabelsMeta = {
        key: m.monitor.model.name,
        fingerprint: state.fingerprint,
        received: labels.received,
        lag_sum: labels.lag.sum,
        lag_count: labels.lag.count,
        has_store: labels.hasStore,
        fleet_counters: fleet !== null,
        buckets: labels.cells.map((cell) => cell.window.currentBucket),
      };
      yield { meta, payload: pack(views) };
    }
  }

  restore(parts: readonly Part[], context: RestoreContext): RestoreReport {
    const report = emptyReport();
    const byName = new Map(this.models().map((m) => [m.monitor.model.name, m]));
    for (const part of parts) {
      const meta = part.meta as unknown as LabelsMeta;
      const m = byName.get(meta.key);
      if (m === undefined || meta.fingerprint !== m.monitor.state.fingerprint) report.foreign.push(meta.key);
      else if (restoreLabels(m.monitor.state.labels, meta, part.payload, context.nowMs)) report.restored.push(meta.key);
      else report.corrupt.push(meta.key);
    }
    return report;
  }
}

/** Copy a part into the model's labels; false (nothing changed) when it does not fit them. */
function restoreLabels(labels: ModelLabels, meta: LabelsMeta, payload: Buffer, nowMs: number): boolean {
  if (!Array.isArray(meta.buckets) || meta.buckets.length !== labels.cells.length) return false;
  const views = labelViews(labels);
  const fleet = labels.fleet;
  if ((meta.fleet_counters === true) !== (fleet !== null)) return false;
  const counters = fleet?.counters() ?? null;
  const snapshot = counters === null && meta.has_store ? labels.store.snapshot() : null;
  const all = counters !== null ? [...views, counters] : snapshot === null ? views : [...views, ...storeViews(snapshot)];
  // Every check before the first write: a part that does not fit leaves the labels empty.
  if (payload.length !== byteLength(all)) return false;
  const scratch = snapshot === null ? null : storeViews(snapshot);
  unpack(payload, scratch === null ? all : [...views, ...scratch]);
  if (snapshot !== null && !labels.store.restore(snapshot)) return false;
  if (fleet !== null && counters !== null && !fleet.restoreCounters(counters)) return false;
  labels.cells.forEach((cell, i) => cell.window.resume(Number(meta.buckets[i]), nowMs));
  labels.received = Number(meta.received) || 0;
  labels.lag.sum = Number(meta.lag_sum) || 0;
  labels.lag.count = Number(meta.lag_count) || 0;
  return true;
}

/** The fleet's models, for the section. */
export function labelModelsOf(fleet: Fleet): () => readonly MonitoredModel[] {
  return () => fleet.models;
}

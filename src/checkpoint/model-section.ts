// The models' states as a checkpoint section: one part per model, taken in one synchronous
// copy (so a model's cells agree with each other), keyed by the model's name and marked with
// its layout fingerprint. A model whose fingerprint differs (other config or reference) is
// not restored; it starts empty while the others continue.
import type { Cell } from '../monitor/cell.js';
import type { DriftResult } from '../monitor/drift.js';
import type { Fleet, MonitoredModel } from '../monitor/fleet.js';
import type { ModelState } from '../monitor/state.js';
import { byteLengthOf, unpackArrays } from './arrays.js';
import type { Part } from './format.js';
import { emptyReport, type CheckpointSection, type RestoreContext, type RestoreReport } from './section.js';

export const MODELS_SECTION = 'models';

interface DriftMeta {
  drifted_share: number | null;
  computed_at: number;
  duration_seconds: number;
}

interface ModelMeta {
  key: string;
  fingerprint: string;
  now_ms: number;
  versions: string[];
  versions_invalid: number;
  /** Per cell: the newest bucket of its window and its last drift result's scalars. */
  cells: { bucket: number; drift: DriftMeta }[];
  /** The whole model's own drift result, when it is the sum of variant cells. */
  sum_drift: DriftMeta | null;
}

export class ModelsSection implements CheckpointSection {
  readonly name = MODELS_SECTION;

  constructor(private readonly models: () => readonly MonitoredModel[]) {}

  *parts(): Iterable<{ meta: ModelMeta; arrays: Float64Array[] }> {
    for (const m of this.models()) yield snapshot(m.monitor.model.name, m.monitor.state);
  }

  restore(parts: readonly Part[], context: RestoreContext): RestoreReport {
    const report = emptyReport();
    const byName = new Map(this.models().map((m) => [m.monitor.model.name, m]));
    for (const part of parts) {
      const meta = part.meta as unknown as ModelMeta;
      const m = byName.get(meta.key);
      // A model no longer configured: its state has nowhere to go.
      if (m === undefined) report.foreign.push(meta.key);
      else if (meta.fingerprint !== m.monitor.state.fingerprint) report.foreign.push(meta.key);
      else if (restoreModel(m.monitor.state, meta, part.payload, context.nowMs)) report.restored.push(meta.key);
      else report.corrupt.push(meta.key);
    }
    return report;
  }
}

/**
 * Every array of the model, in the order the payload holds them. The payload holds a cell's
 * quality counters as exported (`quality` keeps its values counted as bins plus a base): a
 * copy of them when `forWriting`, else the cell's own array, rebased after the restore.
 */
function arraysOf(state: ModelState, forWriting: boolean): Float64Array[] {
  const arrays: Float64Array[] = [];
  for (const cell of state.cells) arrays.push(...cellArrays(cell, forWriting ? cell.qualityTotals() : cell.quality));
  const sum = sumDrift(state);
  if (sum !== null) arrays.push(...driftArrays(sum));
  if (state.pairing !== null) arrays.push(state.pairing.unpaired);
  arrays.push(state.outsideWindow);
  return arrays;
}

function cellArrays(cell: Cell, quality: Float64Array): Float64Array[] {
  const { window } = cell;
  return [
    quality, cell.bins, cell.sums, cell.classCounts, cell.versionCounts, cell.latencyBuckets, cell.totals, cell.divergence, cell.expected,
    window.buckets, ...window.subWindows, ...driftArrays(cell.drift),
  ];
}

function driftArrays(drift: DriftResult): Float64Array[] {
  return [drift.scores, drift.noise, drift.samples, drift.drifted];
}

function sumDrift(state: ModelState): DriftResult | null {
  return state.cells.includes(state.model as Cell) ? null : state.model.drift;
}

function driftMeta(drift: DriftResult): DriftMeta {
  return {
    drifted_share: Number.isNaN(drift.driftedShare) ? null : drift.driftedShare,
    computed_at: drift.computedAt,
    duration_seconds: drift.durationSeconds,
  };
}

function restoreDriftMeta(drift: DriftResult, meta: DriftMeta): void {
  drift.driftedShare = meta.drifted_share ?? NaN;
  drift.computedAt = meta.computed_at;
  drift.durationSeconds = meta.duration_seconds;
}

function snapshot(name: string, state: ModelState): { meta: ModelMeta; arrays: Float64Array[] } {
  const sum = sumDrift(state);
  const meta: ModelMeta = {
    key: name,
    fingerprint: state.fingerprint,
    now_ms: state.nowMs,
    versions: [...state.versions.names],
    versions_invalid: state.versions.invalid,
    cells: state.cells.map((cell) => ({ bucket: cell.window.currentBucket, drift: driftMeta(cell.drift) })),
    sum_drift: sum === null ? null : driftMeta(sum),
  };
  return { meta, arrays: arraysOf(state, true) };
}

/** Copy a part into the state; false (the state untouched) when the part does not fit it. */
function restoreModel(state: ModelState, meta: ModelMeta, payload: Buffer, nowMs: number): boolean {
  if (!Array.isArray(meta.cells) || meta.cells.length !== state.cells.length || !Array.isArray(meta.versions)) return false;
  const sum = sumDrift(state);
  if ((sum === null) !== (meta.sum_drift === null)) return false;
  const arrays = arraysOf(state, false);
  // Every check before the first write: a part that does not fit leaves the model empty, not half restored.
  if (payload.length !== byteLengthOf(arrays)) return false;
  if (!state.versions.restore(meta.versions, Number(meta.versions_invalid) || 0)) return false;
  unpackArrays(payload, arrays);
  for (const cell of state.cells) cell.rebaseQualityTotals();
  state.cells.forEach((cell, i) => {
    const saved = meta.cells[i];
    restoreDriftMeta(cell.drift, saved.drift);
    cell.window.resume(saved.bucket, nowMs);
  });
  if (sum !== null && meta.sum_drift !== null) restoreDriftMeta(sum, meta.sum_drift);
  state.nowMs = Math.max(nowMs, Number(meta.now_ms) || 0);
  return true;
}

/** The fleet's models, for the section. */
export function modelsOf(fleet: Fleet): () => readonly MonitoredModel[] {
  return () => fleet.models;
}

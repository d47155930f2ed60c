// A reload that changed a model's config or reference: its cumulative counters carry over
// into the new state, matched by name (cell by variant or segment value, slot by feature,
// class, version), so its exported counters continue instead of resetting; its drift window
// and drift results start fresh, measured against the new reference only. A slot's
// cumulative bins (the exported histogram's buckets and _sum) carry over only when its bin
// structure is identical (the same coarse edges, or the same categories): with other edges a
// bin of the old state has no counterpart, and that slot's histogram starts empty (a
// counter reset for it, which rate() absorbs), said in the reload's log line. The label-free
// estimate's expected counts carry over when both layouts estimate the same way (the same kind
// and counts, and for a classifier the same classes): they are sums of expectations, whatever
// the calibration or error map that weighed each event.
import { QUALITY_COUNTERS, type Slot } from './layout.js';
import type { CellIndex, CellKey } from './cell-index.js';
import type { ModelState } from './state.js';

export interface CarryOutcome {
  /** Features (the prediction as "prediction") whose histogram starts empty: their bins changed. */
  binsReset: string[];
  /** Whether the latency histogram starts empty (other latency buckets). */
  latencyReset: boolean;
  /** Cells of the old state with no counterpart (a variant or segment value no longer configured). */
  cellsDropped: number;
}

export function carryCounters(from: ModelState, to: ModelState): CarryOutcome {
  const outcome: CarryOutcome = { binsReset: [], latencyReset: false, cellsDropped: 0 };
  const slotPairs = pairSlots(from, to, outcome);
  const versionMap = mapVersions(from, to);
  const classMap = from.layout.classNames.map((name) => to.layout.classNames.indexOf(name));
  const sameLatency = sameBounds(from, to);
  const sameEstimate = sameEstimateCounts(from, to);
  if (!sameLatency) outcome.latencyReset = true;
  const target = new Map(to.cells.map((cell) => [cellName(to.index, cell.key), cell]));
  for (const old of from.cells) {
    const cell = target.get(cellName(from.index, old.key));
    if (cell === undefined) {
      outcome.cellsDropped++;
      continue;
    }
    for (const [a, b, sameBins] of slotPairs) {
      if (sameBins) {
        cell.bins.set(old.bins.subarray(a.cumulativeOffset, a.cumulativeOffset + a.cumulativeCount), b.cumulativeOffset);
        cell.sums[b.index] = old.sums[a.index];
      }
      // After the bins: the values counted continue whether their bins carried or not.
      for (let c = 0; c < QUALITY_COUNTERS; c++) cell.setQualityCount(b, c, old.qualityCount(a, c));
    }
    classMap.forEach((to, i) => {
      if (to >= 0) cell.classCounts[to] += old.classCounts[i];
    });
    versionMap.forEach((to, i) => (cell.versionCounts[to] += old.versionCounts[i]));
    cell.versionCounts[to.versions.capacity] += old.versionCounts[from.versions.capacity];
    cell.carryTotalsFrom(old, sameLatency);
    if (sameEstimate) cell.expected.set(old.expected);
  }
  if (from.pairing !== null && to.pairing !== null && from.pairing.unpaired.length === to.pairing.unpaired.length) to.pairing.unpaired.set(from.pairing.unpaired);
  to.outsideWindow.set(from.outsideWindow);
  return outcome;
}

/** Whether the expected counts of `from` mean the same in `to`: the same estimate, counts and classes. */
function sameEstimateCounts(from: ModelState, to: ModelState): boolean {
  const [a, b] = [from.layout.cbpe, to.layout.cbpe];
  if (a === null || b === null || a.kind !== b.kind || a.counts !== b.counts) return false;
  const [p, q] = [from.layout.classNames, to.layout.classNames];
  return p.length === q.length && p.every((name, i) => name === q[i]);
}

/** A cell's identity across layouts: its variant's name, or its segment feature and value. */
function cellName(index: CellIndex, key: CellKey): string {
  if (key.segment < 0) return `variant\u0000${index.variantNames[key.variant]}`;
  const segment = index.segments[key.segment];
  return `segment\u0000${segment.feature}\u0000${segment.values[key.value]}`;
}

/** Old and new slot of each feature kept (and the prediction), and whether their bins are the same. */
function pairSlots(from: ModelState, to: ModelState, outcome: CarryOutcome): [Slot, Slot, boolean][] {
  const pairs: [Slot, Slot, boolean][] = [];
  for (const b of to.layout.slots) {
    const a = b === to.layout.prediction ? from.layout.prediction : from.layout.slots.find((s) => s.name === b.name && s !== from.layout.prediction);
    if (a === undefined || a.kind !== b.kind) continue;
    const same = sameBins(a, b);
    if (!same) outcome.binsReset.push(b === to.layout.prediction ? 'prediction' : b.name);
    pairs.push([a, b, same]);
  }
  return pairs;
}

function sameBins(a: Slot, b: Slot): boolean {
  if (a.cumulativeCount !== b.cumulativeCount) return false;
  // A numeric slot's cumulative bins are its coarse buckets: the same buckets carry.
  if (a.kind === 'numeric' && b.kind === 'numeric') return a.coarseEdges.every((edge, i) => edge === b.coarseEdges[i]);
  if (a.kind === 'categorical' && b.kind === 'categorical') return a.categories.every((name, i) => name === b.categories[i]);
  return false;
}

/** Old version index → new one (__other__ apart), registering the old names in the new index (up to its capacity). */
function mapVersions(from: ModelState, to: ModelState): number[] {
  const map = from.versions.names.map((name) => to.versions.indexOf(name));
  to.versions.invalid += from.versions.invalid;
  return map;
}

function sameBounds(from: ModelState, to: ModelState): boolean {
  return from.latencyBounds.length === to.latencyBounds.length && from.latencyBounds.every((b, i) => b === to.latencyBounds[i]);
}

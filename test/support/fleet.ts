// Exact drift of known events against a model's reference, binned independently of the
// monitor's hot path (coarse edges by binIndex, categories by the layout's codes), for
// comparing what Prometheus's fleet drift rules record with src/stats/binned.ts.
import type { ModelLayout, Slot } from '../../src/monitor/layout.js';
import { BIN_MASK } from '../../src/monitor/layout.js';
import { binIndex } from '../../src/stats/bins.js';
import { jensenShannonDistance, psi } from '../../src/stats/binned.js';
import type { PredictionEvent } from './model-fixture.js';

/** A drift series: a feature name, or '' for the prediction. */
export interface SlotDrift {
  slot: string;
  psi: number;
  jensenShannon: number;
  samples: number;
}

/** The value an event carries for a slot ('' is the prediction's score). */
function slotValue(slot: Slot, event: PredictionEvent): unknown {
  return slot.name === '' ? event.prediction.score : event.features[slot.name];
}

/** Counts per bin of the slot (coarse bins for numeric slots), as the exported series count them. */
export function slotCounts(slot: Slot, events: readonly PredictionEvent[]): number[] {
  const counts = new Array<number>(slot.kind === 'numeric' ? slot.coarseEdges.length + 1 : slot.categories.length).fill(0);
  for (const event of events) {
    const value = slotValue(slot, event);
    if (slot.kind === 'numeric') {
      if (typeof value === 'number' && Number.isFinite(value)) counts[binIndex(slot.coarseEdges, value)]++;
    } else if (typeof value === 'boolean' && slot.boolean) {
      counts[(value ? slot.trueCode : slot.falseCode) & BIN_MASK]++;
    } else if (typeof value === 'string') {
      counts[(slot.codes.get(value) ?? slot.unknownCode) & BIN_MASK]++;
    }
  }
  return counts;
}

function referenceCounts(slot: Slot): ArrayLike<number> {
  return slot.kind === 'numeric' ? slot.referenceCoarseCounts : slot.referenceCounts;
}

/** PSI and JS distance of the events against the reference, per slot. */
export function exactDrift(layout: ModelLayout, events: readonly PredictionEvent[]): SlotDrift[] {
  return weightedDrift(layout, [{ events, weight: 1 }]);
}

/** The series an exported histogram or counter would show: cumulative for numeric slots. */
function exportedSeries(slot: Slot, events: readonly PredictionEvent[]): number[] {
  const counts = slotCounts(slot, events);
  if (slot.kind !== 'numeric') return counts;
  let sum = 0;
  return counts.map((c) => (sum += c));
}

/**
 * Where increase() would not scale every series of one replica by the same factor: a series
 * that grows by `grown` within the range but held only `before` at its first sample there has
 * its extrapolation to the range start cut at the counter's zero point when
 * before / grown < (gap to the range start) / (sampled span) — at worst 1 / (window samples - 1)
 * with one scrape per second. Returns the offending series, to be empty.
 */
export function unevenExtrapolation(
  layout: ModelLayout,
  before: readonly PredictionEvent[],
  during: readonly PredictionEvent[],
  windowSeconds: number,
): string[] {
  const problems: string[] = [];
  for (const slot of layout.slots) {
    const held = exportedSeries(slot, before);
    const grown = exportedSeries(slot, during);
    grown.forEach((g, i) => {
      if (g > 0 && held[i] * (windowSeconds - 1) < g) problems.push(`${slot.name || 'prediction'}[${i}]: ${held[i]} before, +${g}`);
    });
  }
  return problems;
}

/** PSI and JS per slot of replicas' events weighted per replica (counts × weight), e.g. by increase()'s factors. */
export function weightedDrift(layout: ModelLayout, replicas: readonly { events: readonly PredictionEvent[]; weight: number }[]): SlotDrift[] {
  return layout.slots.map((slot) => {
    const counts = new Array<number>(slot.kind === 'numeric' ? slot.coarseEdges.length + 1 : slot.categories.length).fill(0);
    for (const { events, weight } of replicas) slotCounts(slot, events).forEach((c, i) => (counts[i] += c * weight));
    const reference = referenceCounts(slot);
    return {
      slot: slot.name,
      psi: psi(reference, counts),
      jensenShannon: jensenShannonDistance(reference, counts),
      samples: counts.reduce((a, b) => a + b, 0),
    };
  });
}

/** An instant query evaluated at `time` (Unix seconds): labels and value of each series. */
export async function queryAt(prometheusUrl: string, promql: string, time: number): Promise<{ metric: Record<string, string>; value: number }[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: promql, time: String(time) }).toString(),
  });
  const body = (await response.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success' || !body.data) throw new Error(`prometheus rejected ${promql}: ${body.error ?? JSON.stringify(body)}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

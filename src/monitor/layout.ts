// The one place that decides where each (model, feature, bin) lives in the flat
// typed arrays the hot path writes. Built once at start-up from the config and the
// reference; nothing here runs per event.
import { createBinLookup, type BinLookup } from '../stats/bin-lookup.js';
import { binLowerEdges } from '../stats/bins.js';
import { CATEGORICAL_METHODS, NUMERIC_METHODS, fineToCoarse } from '../stats/slot-scores.js';
import type { FeatureConfig, ModelConfig, NoiseQuantile } from '../config/types.js';
import { buildCbpeLayout, type CbpeLayout } from './cbpe-layout.js';
import {
  OTHER_CATEGORY,
  type CategoricalSketch,
  type FeatureSketch,
  type NoiseGrid,
  type NoiseLevels,
  type NumericSketch,
  type Reference,
  type SegmentValueReference,
} from '../reference/types.js';

/** Per-slot quality counters, in this order, QUALITY_COUNTERS wide. */
export const Q_VALUES = 0;
export const Q_MISSING = 1;
export const Q_TYPE_ERRORS = 2;
export const Q_OUT_OF_RANGE = 3;
export const Q_NON_FINITE = 4;
export const QUALITY_COUNTERS = 5;

/** A category code carries this flag when the value is outside the allowed set. */
export const OUT_OF_RANGE_FLAG = 0x10000;
export const BIN_MASK = 0xffff;

interface SlotBase {
  /** Feature name, or '' for the prediction slot. */
  name: string;
  /** Position among the slots (features in config order, then the prediction). */
  index: number;
  /** First bin of this slot in a window sum (the read layout: every slot's counts, then the offset sums). */
  binOffset: number;
  /** Bins of this slot (fine bins for a numeric slot). */
  binCount: number;
  /**
   * First entry of this slot in a recorded sub-window (the write layout): a numeric slot's
   * count and offset sum of a bin side by side (windowAt + 2·bin, + 1), a category's count at
   * windowAt + bin. One event's writes to a bin then share a cache line; a window sum is read
   * back in the read layout (windowReadOrder).
   */
  windowAt: number;
  /** First bin of this slot in the cumulative bins: coarse bins (the exported buckets) for a numeric slot, the categories for a categorical one. */
  cumulativeOffset: number;
  cumulativeCount: number;
  /** The reference's noise levels at the configured noise_quantile; null when it has none (format_version 1). */
  noise: SlotNoise | null;
}

/** One noise level per grid window size, per method in the slot's score order. */
export interface SlotNoise {
  windows: Float64Array;
  levels: Float64Array[];
}

export interface NumericSlot extends SlotBase {
  kind: 'numeric';
  /** Fine edges: the hot path bins into these; coarse bins are sums of fine ones. */
  fineEdges: Float64Array;
  /** A grid over the fine edges, so the hot path finds a bin without a full binary search. */
  fineLookup: BinLookup;
  /** Coarse edges: the exported histogram's `le` buckets (all are also fine edges). */
  coarseEdges: Float64Array;
  /** coarseEnd[c] = one past the last fine bin of coarse bin c (length coarseEdges.length + 1). */
  coarseEnd: Int32Array;
  /** The coarse bin of each fine bin: the cumulative counts are kept as the coarse buckets they are exported as. */
  coarseOfFine: Int32Array;
  /** Values outside [rangeMin, rangeMax] count as out of range. */
  rangeMin: number;
  rangeMax: number;
  /** The lower edge of each fine bin (binLowerEdges): window offsets are value minus this. */
  binLowerEdges: Float64Array;
  /** Position of fine bin 0's offset sum in a window array (the offsets follow every slot's counts). */
  offsetsAt: number;
  referenceFineCounts: Float64Array;
  /**
   * Per fine bin, Σ (reference value - the bin's lower edge); null for a format 1 reference,
   * which has none (its W1 keeps the even-spread estimate, wassersteinSpreadEvenly).
   */
  referenceFineOffsets: Float64Array | null;
  referenceCoarseCounts: Float64Array;
  referenceStd: number;
}

export interface CategoricalSlot extends SlotBase {
  kind: 'categorical';
  /** Bin names in order: the reference categories, then __other__ (the last bin). */
  categories: string[];
  /** category → bin index, with OUT_OF_RANGE_FLAG when not allowed; absent: __other__ and out of range. */
  codes: Map<string, number>;
  /** Code for a value absent from `codes`. */
  unknownCode: number;
  /** Boolean features take JSON booleans; categorical ones take strings. */
  boolean: boolean;
  /** Bin of the values true / false (boolean features only). */
  trueCode: number;
  falseCode: number;
  referenceCounts: Float64Array;
}

export type Slot = NumericSlot | CategoricalSlot;

export interface ModelLayout {
  model: ModelConfig;
  reference: Reference;
  /** Feature slots in config order, then the prediction slot last. */
  slots: Slot[];
  featureCount: number;
  prediction: Slot;
  /** Total bins over every slot in a window sum (fine bins for numeric slots). */
  totalBins: number;
  /** Length of a cell's cumulative bins (coarse bins for numeric slots). */
  totalCumulativeBins: number;
  /** Offset sums in a window array after the bin counts: one per fine bin of every numeric slot. */
  totalOffsets: number;
  /** Length of one drift sub-window: every bin count, then the offset sums. */
  windowWidth: number;
  /** Classification: config class name → index; the last index (classes.length) is __other__. */
  classIndex: Map<string, number>;
  classNames: string[];
  /** The label-free performance estimate (classifiers with a calibrated reference), else null. */
  cbpe: CbpeLayout | null;
  /** Per entry of a recorded sub-window (write layout), its position in a window sum (read layout). */
  windowReadOrder: Int32Array;
  // Flat per-slot and per-bin tables for the hot path (EventOutcome.place), read by index.
  /** Per slot: Slot.binOffset. */
  slotBinOffsets: Int32Array;
  /** Per slot: Slot.windowAt. */
  slotWindowAt: Int32Array;
  /** Per slot: 1 for a numeric slot (a count and an offset sum per bin), 0 for a categorical one. */
  slotNumeric: Uint8Array;
  /** Per bin of a window sum: the cumulative bin it counts into. */
  cumulativeOfBin: Int32Array;
  /** Per bin of a window sum: the fine bin's lower edge (numeric slots; 0 for categories). */
  binLowerEdges: Float64Array;
}

export function buildLayout(model: ModelConfig, reference: Reference): ModelLayout {
  const slots: Slot[] = [];
  const cursor = { bins: 0, offsets: 0, cumulative: 0 };
  for (const feature of model.features) {
    slots.push(makeSlot(feature.name, slots.length, reference.features[feature.name], feature, model, reference, cursor));
  }
  const prediction = makeSlot('', slots.length, reference.prediction, null, model, reference, cursor);
  slots.push(prediction);
  // A window sum holds every slot's counts, then the numeric slots' offset sums.
  for (const slot of slots) if (slot.kind === 'numeric') slot.offsetsAt += cursor.bins;
  const windowReadOrder = placeWindowWrites(slots, cursor.bins + cursor.offsets);
  const classNames = [...model.classes, OTHER_CATEGORY];
  const classIndex = new Map(model.classes.map((name, i) => [name, i] as [string, number]));
  // The estimate's expected counts (four, or four per class) follow the bins and offsets in each window array.
  const cbpe = buildCbpeLayout(model, reference, prediction.binCount, cursor.bins + cursor.offsets);
  const cumulativeOfBin = new Int32Array(cursor.bins);
  const lowerEdges = new Float64Array(cursor.bins);
  for (const slot of slots) {
    for (let b = 0; b < slot.binCount; b++) cumulativeOfBin[slot.binOffset + b] = slot.cumulativeOffset + (slot.kind === 'numeric' ? slot.coarseOfFine[b] : b);
    if (slot.kind === 'numeric') lowerEdges.set(slot.binLowerEdges, slot.binOffset);
  }
  const width = cursor.bins + cursor.offsets + (cbpe === null ? 0 : cbpe.counts);
  // The estimate's counts after the bins sit at the same place in both layouts.
  const readOrder = new Int32Array(width);
  readOrder.set(windowReadOrder);
  for (let i = windowReadOrder.length; i < width; i++) readOrder[i] = i;
  return {
    model,
    reference,
    slots,
    featureCount: model.features.length,
    prediction,
    totalBins: cursor.bins,
    totalCumulativeBins: cursor.cumulative,
    totalOffsets: cursor.offsets,
    windowWidth: width,
    classIndex,
    classNames,
    cbpe,
    windowReadOrder: readOrder,
    slotBinOffsets: Int32Array.from(slots, (slot) => slot.binOffset),
    slotWindowAt: Int32Array.from(slots, (slot) => slot.windowAt),
    slotNumeric: Uint8Array.from(slots, (slot) => (slot.kind === 'numeric' ? 1 : 0)),
    cumulativeOfBin,
    binLowerEdges: lowerEdges,
  };
}

/** Each slot's place in a recorded sub-window, and the read position of every entry up to `width`. */
function placeWindowWrites(slots: Slot[], width: number): Int32Array {
  const order = new Int32Array(width);
  let at = 0;
  for (const slot of slots) {
    slot.windowAt = at;
    for (let b = 0; b < slot.binCount; b++) {
      if (slot.kind === 'numeric') {
        order[at++] = slot.binOffset + b;
        order[at++] = slot.offsetsAt + b;
      } else order[at++] = slot.binOffset + b;
    }
  }
  return order;
}

/** A recorded sub-window (write layout) in the read layout, into `out`: for code off the hot path. */
export function readWindowInto(layout: ModelLayout, recorded: ArrayLike<number>, out: Float64Array): Float64Array {
  const order = layout.windowReadOrder;
  for (let i = 0; i < order.length; i++) out[order[i]] = recorded[i];
  return out;
}

function makeSlot(
  name: string,
  index: number,
  sketch: FeatureSketch | undefined,
  feature: FeatureConfig | null,
  model: ModelConfig,
  reference: Reference,
  cursor: { bins: number; offsets: number; cumulative: number },
): Slot {
  if (sketch === undefined) {
    // checkReferenceMatchesModel runs before this; reaching here is a programming error.
    throw new Error(`reference for model "${model.name}" has no sketch for feature "${name}"`);
  }
  const noise = slotNoise(reference.noise, sketch.noise, sketch.kind, model.drift.noise_quantile);
  const slot =
    sketch.kind === 'numeric'
      ? numericSlot(name, index, sketch, feature?.range ?? (feature ? undefined : model.prediction.range), cursor, noise)
      : categoricalSlot(name, index, sketch, feature, model, cursor, noise);
  cursor.bins += slot.binCount;
  cursor.cumulative += slot.cumulativeCount;
  return slot;
}

/** Stored noise levels (a sketch's, or a segment value's) at the configured quantile, per method in the slot's score order. */
export function slotNoise(grid: NoiseGrid | undefined, noise: object | undefined, kind: 'numeric' | 'categorical', quantile: NoiseQuantile): SlotNoise | null {
  const stored = noise as Partial<Record<string, NoiseLevels>> | undefined;
  if (grid === undefined || stored === undefined) return null;
  const methods: readonly string[] = kind === 'numeric' ? NUMERIC_METHODS : CATEGORICAL_METHODS;
  const levels = methods.map((method) => {
    const pair = stored[method] as NoiseLevels;
    return Float64Array.from(quantile === 0.99 ? pair.q99 : pair.q999);
  });
  return { windows: Float64Array.from(grid.windows), levels };
}

function numericSlot(
  name: string,
  index: number,
  sketch: NumericSketch,
  range: [number, number] | undefined,
  cursor: { bins: number; offsets: number; cumulative: number },
  noise: SlotNoise | null,
): NumericSlot {
  const fineEdges = Float64Array.from(sketch.fine_edges);
  const coarseEdges = Float64Array.from(sketch.edges);
  const coarseEnd = fineToCoarse(fineEdges, coarseEdges);
  const coarseOfFine = new Int32Array(fineEdges.length + 1);
  for (let c = 0, f = 0; c < coarseEnd.length; c++) for (; f < coarseEnd[c]; f++) coarseOfFine[f] = c;
  const referenceFineCounts = Float64Array.from(sketch.fine_counts);
  const referenceFineOffsets = sketch.fine_offsets !== undefined ? Float64Array.from(sketch.fine_offsets) : null;
  const slot: NumericSlot = {
    kind: 'numeric',
    name,
    index,
    binOffset: cursor.bins,
    binCount: fineEdges.length + 1,
    windowAt: 0,
    cumulativeOffset: cursor.cumulative,
    cumulativeCount: coarseEnd.length,
    fineEdges,
    fineLookup: createBinLookup(fineEdges),
    coarseEdges,
    coarseEnd,
    coarseOfFine,
    rangeMin: range ? range[0] : sketch.summary.min,
    rangeMax: range ? range[1] : sketch.summary.max,
    binLowerEdges: binLowerEdges(fineEdges),
    offsetsAt: cursor.offsets,
    referenceFineCounts,
    referenceFineOffsets,
    referenceCoarseCounts: Float64Array.from(sketch.counts),
    referenceStd: sketch.summary.std,
    noise,
  };
  cursor.offsets += slot.binCount;
  return slot;
}

function categoricalSlot(
  name: string,
  index: number,
  sketch: CategoricalSketch,
  feature: FeatureConfig | null,
  model: ModelConfig,
  cursor: { bins: number; offsets: number; cumulative: number },
  noise: SlotNoise | null,
): CategoricalSlot {
  const categories = [...sketch.categories.map((c) => c.value), OTHER_CATEGORY];
  const otherBin = categories.length - 1;
  // The allowed set: both booleans; the config's categories (or the classes, for the
  // prediction); else the reference's own categories.
  const isBoolean = feature?.type === 'boolean';
  const allowedList = isBoolean ? ['true', 'false'] : feature ? feature.categories : model.classes;
  const allowed = allowedList && allowedList.length > 0 ? new Set(allowedList) : null;
  const codes = new Map<string, number>();
  sketch.categories.forEach((c, bin) => {
    codes.set(c.value, allowed && !allowed.has(c.value) ? bin | OUT_OF_RANGE_FLAG : bin);
  });
  if (allowed) for (const value of allowed) if (!codes.has(value)) codes.set(value, otherBin);
  return {
    kind: 'categorical',
    name,
    index,
    binOffset: cursor.bins,
    binCount: categories.length,
    windowAt: 0,
    cumulativeOffset: cursor.cumulative,
    cumulativeCount: categories.length,
    categories,
    codes,
    unknownCode: otherBin | OUT_OF_RANGE_FLAG,
    boolean: isBoolean,
    trueCode: codes.get('true') ?? otherBin | OUT_OF_RANGE_FLAG,
    falseCode: codes.get('false') ?? otherBin | OUT_OF_RANGE_FLAG,
    referenceCounts: Float64Array.from([...sketch.categories.map((c) => c.count), sketch.other_count]),
    noise,
  };
}

// --- Reading the flat arrays: the offsets below are the layout's; nobody else computes them. ---

/** A slot's bins in a window sum (the read layout): a view. */
export function slotBinsOf(array: Float64Array, slot: Slot): Float64Array {
  return array.subarray(slot.binOffset, slot.binOffset + slot.binCount);
}

/** A numeric slot's within-bin offset sums (Σ value − the bin's lower edge) in a window sum: a view. */
export function slotOffsetsOf(window: Float64Array, slot: NumericSlot): Float64Array {
  return window.subarray(slot.offsetsAt, slot.offsetsAt + slot.binCount);
}

/** Counts per coarse bin of a numeric slot from its fine bins, which start at `offset` in `fine`. */
export function coarseFromFine(fine: ArrayLike<number>, offset: number, slot: NumericSlot, out: Float64Array): void {
  let f = offset;
  for (let c = 0; c < slot.coarseEnd.length; c++) {
    let sum = 0;
    for (const end = offset + slot.coarseEnd[c]; f < end; f++) sum += fine[f];
    out[c] = sum;
  }
}

/**
 * The layout's slots compared with one segment value's reference: the same offsets, each
 * slot's reference counts and noise levels replaced by that value's (src/reference/segments.ts,
 * segment-noise.ts), so a segment cell is scored and judged by the same code against the rows
 * it stands for.
 */
export function segmentSlots(layout: ModelLayout, value: SegmentValueReference): Slot[] {
  const features = value.features;
  const prediction = value.prediction;
  if (value.fallback || features === undefined || prediction === undefined) return layout.slots;
  return layout.slots.map((slot) => {
    const sketch = slot === layout.prediction ? prediction : features[slot.name];
    if (sketch === undefined) return slot;
    // The segment value's own noise levels; without values (nothing to draw from), none.
    const noise = slotNoise(layout.reference.noise, sketch.noise, sketch.kind, layout.model.drift.noise_quantile);
    if (slot.kind === 'numeric' && sketch.kind === 'numeric') {
      return {
        ...slot,
        noise,
        referenceFineCounts: Float64Array.from(sketch.fine_counts),
        // A format 1 whole reference has no offsets: keep its estimator for the segment too.
        referenceFineOffsets: slot.referenceFineOffsets === null ? null : Float64Array.from(sketch.fine_offsets),
        referenceCoarseCounts: Float64Array.from(sketch.counts),
        referenceStd: sketch.std,
      };
    }
    if (slot.kind === 'categorical' && sketch.kind === 'categorical') return { ...slot, noise, referenceCounts: Float64Array.from(sketch.counts) };
    return slot;
  });
}

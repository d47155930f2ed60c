// Which cells a model has and where each lives in its list: one cell per variant (the whole of
// that variant's traffic), then one per (segment feature, value) over all variants. Built once
// from the config and the layout; the only place that turns a (variant, segment, value) into a
// cell position. Every name it holds is a bounded label value: configured variant names plus
// __other__; a segment's reference categories (or intervals of its edges) plus __other__ and
// __missing__.
import type { ModelConfig } from '../config/types.js';
import { MISSING_SEGMENT, segmentValueNames } from '../reference/segment-values.js';
import { OTHER_CATEGORY } from '../reference/types.js';
import { binIndex } from '../stats/bins.js';
import type { ModelLayout, Slot } from './layout.js';

export { MISSING_SEGMENT };

/** Position of a cell in ModelState.cells, and what it holds. */
export interface CellKey {
  /** Variant index, or -1 for a segment cell (all variants). */
  variant: number;
  /** Segment index, or -1 for a variant's whole cell. */
  segment: number;
  /** Value index within the segment, or -1. */
  value: number;
}

export interface Segment {
  /** The feature it slices by (the segment's label). */
  feature: string;
  slot: Slot;
  /** Value names, label values: see valueOf. */
  values: string[];
  /** Numeric segments: upper-inclusive edges (values[i] is the interval ending at edges[i]). */
  edges: Float64Array | null;
  /** Position of the segment's first cell. */
  firstCell: number;
  /** Index of MISSING_SEGMENT in values. */
  missing: number;
}

export class CellIndex {
  /** Variant names: the configured ones then __other__; one unnamed variant when none are configured. */
  readonly variantNames: string[];
  readonly sliced: boolean;
  readonly segments: Segment[];
  readonly keys: CellKey[];
  /** Indexes of the shadow variants (paired with the default by event id). */
  readonly shadows: ReadonlySet<number>;
  private readonly variantByName: Map<string, number>;

  constructor(model: ModelConfig, layout: ModelLayout) {
    const configured = model.variants.names;
    this.sliced = configured.length > 0;
    this.variantNames = this.sliced ? [...configured, OTHER_CATEGORY] : [''];
    this.variantByName = new Map(configured.map((name, i) => [name, i]));
    this.shadows = new Set(model.variants.shadows.map((name) => this.variantByName.get(name)).filter((v): v is number => v !== undefined));
    this.keys = this.variantNames.map((_, variant) => ({ variant, segment: -1, value: -1 }));
    this.segments = model.segments.map((config, segment) => {
      const slot = layout.slots.find((s) => s.name === config.feature && s !== layout.prediction);
      if (slot === undefined) throw new Error(`segment feature "${config.feature}" is not a feature of model "${model.name}"`);
      const edges = config.edges ? Float64Array.from(config.edges) : null;
      const values = segmentValueNames(config, layout.reference.features[config.feature]);
      if (values.length === 1) throw new Error(`segment feature "${config.feature}" of model "${model.name}" is numeric and needs edges`);
      const firstCell = this.keys.length;
      values.forEach((_, value) => this.keys.push({ variant: -1, segment, value }));
      return { feature: config.feature, slot, values, edges, firstCell, missing: values.length - 1 };
    });
  }

  get count(): number {
    return this.keys.length;
  }

  /** The default variant's index: events without `variant` belong to it. */
  get defaultVariant(): number {
    return 0;
  }

  /** Index of a variant name; absent → the default; unknown → __other__. Hot path: one map lookup. */
  variantOf(name: unknown): number {
    if (!this.sliced || name === undefined || name === null) return 0;
    const known = typeof name === 'string' ? this.variantByName.get(name) : undefined;
    return known ?? this.variantNames.length - 1;
  }

  /** Cell position of a variant's whole cell. */
  variantCell(variant: number): number {
    return variant;
  }

  /** Cell position of a segment value's cell. */
  segmentCell(segment: number, value: number): number {
    return this.segments[segment].firstCell + value;
  }

  /** A numeric segment's value index for a finite number. */
  numericValueOf(segment: Segment, value: number): number {
    return binIndex(segment.edges as Float64Array, value);
  }
}

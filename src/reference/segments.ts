// The reference of each segment value (issue "Slices"): the training rows where a segment
// feature has that value, counted on the whole reference's own bins and categories, so a
// segment cell is compared with the rows that look like it and every cell keeps the model's
// one layout. Built in a third pass over the data, once the whole reference's bins are final
// (its fine edges settle only after the second pass). A value with fewer rows than
// reference_build.min_segment_rows is marked `fallback`: it is compared with the whole.
import type { ModelConfig, SegmentConfig } from '../config/types.js';
import { binIndex, binLowerEdges } from '../stats/bins.js';
import { segmentValueNames } from './segment-values.js';
import {
  type CategoricalSegmentSketch,
  type CategoricalSketch,
  type FeatureSketch,
  type NumericSegmentSketch,
  type NumericSketch,
  type SegmentReference,
  type SegmentSketch,
} from './types.js';
import type { Decoded } from './values.js';

/** How a raw cell of one column becomes a value (the builder's decoders). */
export type ColumnDecoder = (raw: unknown) => Decoded<number> | Decoded<string>;

/** One column's counts within one segment value. */
interface Tally {
  add(raw: unknown): void;
  sketch(): SegmentSketch;
}

class NumericTally implements Tally {
  private count = 0;
  private missing = 0;
  private mean = 0;
  private squares = 0;
  private readonly counts: number[];
  private readonly fineCounts: number[];
  private readonly fineOffsets: number[];
  private readonly lower: Float64Array;

  constructor(
    private readonly whole: NumericSketch,
    private readonly decode: ColumnDecoder,
  ) {
    this.counts = new Array<number>(whole.counts.length).fill(0);
    this.fineCounts = new Array<number>(whole.fine_counts.length).fill(0);
    this.fineOffsets = new Array<number>(whole.fine_counts.length).fill(0);
    this.lower = binLowerEdges(Float64Array.from(whole.fine_edges));
  }

  add(raw: unknown): void {
    const value = this.decode(raw);
    if (typeof value !== 'number') {
      if (typeof value === 'symbol') this.missing++;
      return;
    }
    this.count++;
    const delta = value - this.mean;
    this.mean += delta / this.count;
    this.squares += delta * (value - this.mean);
    this.counts[binIndex(this.whole.edges, value)]++;
    const fine = binIndex(this.whole.fine_edges, value);
    this.fineCounts[fine]++;
    this.fineOffsets[fine] += value - this.lower[fine];
  }

  sketch(): NumericSegmentSketch {
    const std = this.count > 0 ? Math.sqrt(this.squares / this.count) : 0;
    return { kind: 'numeric', count: this.count, missing: this.missing, std, counts: this.counts, fine_counts: this.fineCounts, fine_offsets: this.fineOffsets };
  }
}

class CategoricalTally implements Tally {
  private count = 0;
  private missing = 0;
  private readonly counts: number[];
  private readonly index: Map<string, number>;

  constructor(
    whole: CategoricalSketch,
    private readonly decode: ColumnDecoder,
  ) {
    this.index = new Map(whole.categories.map((c, i) => [c.value, i]));
    this.counts = new Array<number>(whole.categories.length + 1).fill(0);
  }

  add(raw: unknown): void {
    const value = this.decode(raw);
    if (typeof value !== 'string') {
      if (typeof value === 'symbol') this.missing++;
      return;
    }
    this.count++;
    this.counts[this.index.get(value) ?? this.counts.length - 1]++;
  }

  sketch(): CategoricalSegmentSketch {
    return { kind: 'categorical', count: this.count, missing: this.missing, counts: this.counts };
  }
}

function tallyFor(sketch: FeatureSketch, decode: ColumnDecoder): Tally {
  return sketch.kind === 'numeric' ? new NumericTally(sketch, decode) : new CategoricalTally(sketch, decode);
}

/** The columns of a row, in the builder's order: the features, then the prediction. */
export interface SegmentColumns {
  sketches: readonly FeatureSketch[];
  decoders: readonly ColumnDecoder[];
}

/** Tallies every segment value of every configured segment; feed it rows in a third pass. */
export class SegmentTallies {
  private readonly segments: {
    config: SegmentConfig;
    column: number;
    values: string[];
    rows: number[];
    tallies: Tally[][];
    valueOf: (raw: unknown) => number;
  }[];

  constructor(
    private readonly model: ModelConfig,
    private readonly columns: SegmentColumns,
  ) {
    this.segments = model.segments.map((config) => {
      const column = model.features.findIndex((f) => f.name === config.feature);
      const sketch = columns.sketches[column];
      const values = segmentValueNames(config, sketch);
      const missing = values.length - 1;
      const decode = columns.decoders[column];
      let valueOf: (raw: unknown) => number;
      if (config.edges) {
        const edges = config.edges;
        valueOf = (raw) => {
          const v = decode(raw);
          return typeof v === 'number' ? binIndex(edges, v) : missing;
        };
      } else {
        const index = new Map(values.slice(0, -2).map((name, i) => [name, i]));
        valueOf = (raw) => {
          const v = decode(raw);
          return typeof v === 'string' ? (index.get(v) ?? missing - 1) : missing;
        };
      }
      const tallies = values.map(() => columns.sketches.map((s, c) => tallyFor(s, columns.decoders[c])));
      return { config, column, values, rows: values.map(() => 0), tallies, valueOf };
    });
  }

  get active(): boolean {
    return this.segments.length > 0;
  }

  add(row: readonly unknown[]): void {
    for (const segment of this.segments) {
      const value = segment.valueOf(row[segment.column]);
      segment.rows[value]++;
      const tallies = segment.tallies[value];
      for (let c = 0; c < tallies.length; c++) tallies[c].add(row[c]);
    }
  }

  references(): SegmentReference[] {
    const { features } = this.model;
    const minRows = this.model.reference_build.min_segment_rows;
    return this.segments.map((segment) => ({
      feature: segment.config.feature,
      edges: segment.config.edges ? [...segment.config.edges] : null,
      values: segment.values.map((value, k) => {
        const rows = segment.rows[k];
        if (rows < minRows) return { value, rows, fallback: true };
        const sketches = segment.tallies[k].map((t) => t.sketch());
        const byFeature: Record<string, SegmentSketch> = {};
        features.forEach((feature, c) => {
          byFeature[feature.name] = sketches[c];
        });
        return { value, rows, fallback: false, features: byFeature, prediction: sketches[features.length] };
      }),
    }));
  }
}

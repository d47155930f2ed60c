// The reference sketch: what the training data looked like, built offline by
// `mlwatch reference build` and loaded by `mlwatch serve`. Plain JSON data.
//
// Binning rule (the same everywhere: build, window, exported histograms):
// bins are upper-inclusive, bin i holds values v with edges[i-1] < v <= edges[i];
// the first bin is (-Inf, edges[0]], the last is (edges[n-1], +Inf) (above the maximum).
// With n edges there are n + 1 bins.
// Format 2: edges[0] is the double just below the reference minimum, so the first bin holds
// only values below the minimum and, like the last bin, no reference value (both outer bins
// then score alike, whatever the size of the training set). Format 1 (still read): edges[0]
// is the minimum, and the first bin holds the minimum's own copies.

import type { CategoricalDriftMethod, NumericDriftMethod } from '../config/types.js';

export const REFERENCE_FORMAT = 'mlwatch-reference';
/** The version `reference build` writes: 2 adds within-bin offsets, atoms and the noise levels. */
export const REFERENCE_FORMAT_VERSION = 2;
/** The versions `serve` and `config check` read; a version 1 file has none of them (even-spread W1, threshold-only decisions). */
export const READABLE_REFERENCE_FORMAT_VERSIONS: readonly number[] = [1, 2];
export const OTHER_CATEGORY = '__other__';

/**
 * Upper quantiles of a method's score over stationary windows of n values, one per n of the
 * reference's noise grid (`Reference.noise.windows`): q99 the 99% and q999 the 99.9% quantile.
 * For chi2_pvalue, where drift is a SMALL p-value, the 1% and 0.1% lower quantiles instead.
 */
export interface NoiseLevels {
  q99: number[];
  q999: number[];
}

/** How the noise levels were estimated (src/reference/noise.ts). */
export interface NoiseGrid {
  /** Window sizes n, ascending. */
  windows: number[];
  /** Simulated windows per n. */
  replicates: number;
}

export interface NumericSummary {
  /** Non-null, finite values seen. */
  count: number;
  /** Nulls or absent values. */
  missing: number;
  /** Values present but not finite numbers (wrong type, NaN, Infinity); excluded from the sketch. */
  invalid: number;
  mean: number;
  /** Population standard deviation (ddof = 0), as scipy/numpy's default. */
  std: number;
  min: number;
  max: number;
}

export interface NumericSketch {
  kind: 'numeric';
  summary: NumericSummary;
  /** t-digest centroids (mean, n) from the `tdigest` package, compressed. */
  digest: { mean: number; n: number }[];
  /**
   * Coarse bin edges: the double below the minimum (format 1: the minimum), the
   * equal-frequency quantiles, the maximum; strictly increasing (duplicate quantiles of a
   * discrete feature collapse). These are the `le` buckets of the exported histogram.
   */
  edges: number[];
  /** Exact counts of the reference values in each coarse bin (length edges.length + 1). */
  counts: number[];
  /**
   * Fine bin edges (a superset of `edges`, about `FINE_BINS` equal-frequency quantiles, and
   * previousDouble(a), a for every atom a) used in-process for KS and Wasserstein, with exact
   * counts per fine bin.
   */
  fine_edges: number[];
  fine_counts: number[];
  /**
   * Format 2: per fine bin, Σ (value - the bin's lower edge) over the reference values in it
   * (src/stats/continuous.ts), so W1 needs no assumption about where values sit in a bin.
   * Absent in format 1: values are then taken as spread evenly in each bin.
   */
  fine_offsets?: number[];
  /** Format 2: the atoms, ascending: values the reference repeats, each alone in its fine bin (src/reference/atoms.ts). */
  atoms?: number[];
  /** Noise levels per method (format_version 2; absent in version 1). */
  noise?: Record<NumericDriftMethod, NoiseLevels>;
}

export interface CategoricalSketch {
  kind: 'categorical';
  /** Non-null values seen / nulls / values of the wrong type. */
  count: number;
  missing: number;
  invalid: number;
  /** Top categories by frequency, most frequent first, each with its exact count. */
  categories: { value: string; count: number }[];
  /** Count of values in categories beyond the top ones (the __other__ bin). */
  other_count: number;
  /** Noise levels per method (format_version 2; absent in version 1). */
  noise?: Record<CategoricalDriftMethod, NoiseLevels>;
}

export type FeatureSketch = NumericSketch | CategoricalSketch;

/** A numeric column within one segment value, on the whole reference's coarse and fine bins. */
export interface NumericSegmentSketch {
  kind: 'numeric';
  count: number;
  missing: number;
  /** Population std of the segment's values (Wasserstein is normalised by it). */
  std: number;
  counts: number[];
  fine_counts: number[];
  fine_offsets: number[];
  /** Noise levels per method of windows drawn from this segment value (format_version 2; absent without values). */
  noise?: Record<NumericDriftMethod, NoiseLevels>;
}

/** A categorical column within one segment value: counts per whole-reference category, then __other__. */
export interface CategoricalSegmentSketch {
  kind: 'categorical';
  count: number;
  missing: number;
  counts: number[];
  /** Noise levels per method of windows drawn from this segment value (format_version 2; absent without values). */
  noise?: Record<CategoricalDriftMethod, NoiseLevels>;
}

export type SegmentSketch = NumericSegmentSketch | CategoricalSegmentSketch;

/** One value of a segment feature: its training rows, and its sketches unless it has too few. */
export interface SegmentValueReference {
  value: string;
  rows: number;
  /** Fewer than min_segment_rows: compared with the whole reference (no sketches). */
  fallback: boolean;
  features?: Record<string, SegmentSketch>;
  prediction?: SegmentSketch;
}

export interface SegmentReference {
  /** The feature sliced by, and (numeric) the configured edges; null for categorical. */
  feature: string;
  edges: number[] | null;
  /** In the order of src/reference/segment-values.ts. */
  values: SegmentValueReference[];
}

export interface Reference {
  format: typeof REFERENCE_FORMAT;
  format_version: number;
  model: string;
  created_at: string;
  /** Name of the data file it was built from (base name only). */
  source: string;
  rows: number;
  /** Build parameters, so a config change that would alter bins is detected. */
  bins: number;
  fine_bins: number;
  top_categories: number;
  features: Record<string, FeatureSketch>;
  /** The model output: numeric (score/value) or categorical (class). */
  prediction: FeatureSketch;
  /** Per configured segment feature, each value's reference (absent without segments). */
  segments?: SegmentReference[];
  /** The grid of the sketches' noise levels (format_version 2; absent in version 1). */
  noise?: NoiseGrid;
  /** The model's metrics on the labelled rows (reference_build.label_column); absent without one. */
  performance?: ReferencePerformance;
  /** Binary classifiers with a label column: the isotonic calibration of the score (CBPE). */
  calibration?: ReferenceCalibration;
  /** Multiclass classifiers with score_columns and a label column: each class's score calibrated one-vs-rest (CBPE). */
  class_calibration?: ReferenceClassCalibration;
  /** Regressions with a label column: the expected error per fine bin of the prediction (label-free MAE and RMSE). */
  error_map?: ReferenceErrorMap;
  /** sha256 (hex) of the canonical JSON of this object without the checksum field. */
  checksum: string;
}

/** Spread of one metric over chunks of `chunk_rows` labelled rows drawn at random from the reference. */
export interface MetricSpread {
  /** Sample standard deviation over the chunks (ddof = 1). */
  std: number;
  /** 5% and 95% quantiles over the chunks (numpy's linear rule). */
  p05: number;
  p95: number;
}

/**
 * Metrics: binary accuracy, precision, recall, f1, roc_auc (positive class classes[1], the
 * decision threshold of the config; ROC AUC on the prediction's fine bins); multiclass accuracy
 * and macro precision, recall, f1; regression mae, rmse, r2. A metric undefined on the data is null.
 */
export interface ReferencePerformance {
  label_column: string;
  /** Rows with a valid label (the metrics' n); rows whose label was missing or invalid. */
  labelled_rows: number;
  unlabelled_rows: number;
  metrics: Record<string, number | null>;
  /** The mean size of the chunks the spread was measured on, and how many there were. */
  chunk_rows: number;
  chunks: number;
  /** Per metric; absent with fewer than two chunks. */
  spread: Record<string, MetricSpread>;
}

/**
 * A regression's residuals per fine bin of the prediction (stats/error-map.ts): the mean |e| and
 * e² of the labelled rows whose prediction fell in the bin, each shrunk toward the whole
 * reference's mean by `prior_rows` pseudo-rows (a sparse bin leans on the global mean).
 */
export interface ReferenceErrorMap {
  method: 'binned_residuals';
  prior_rows: number;
  /** Per fine bin (length fine_edges.length + 1): labelled rows, expected |e|, expected e². */
  rows: number[];
  absolute: number[];
  squared: number[];
}

export interface ReferenceCalibration {
  method: 'isotonic';
  /** The map lowers the mean held-out ECE (folds below): CBPE uses it; else the raw score. */
  used: boolean;
  folds: number;
  raw_ece: number | null;
  calibrated_ece: number | null;
  /** The calibrated probability per fine bin of the prediction (length fine_edges.length + 1). */
  map: number[];
}

/**
 * Per class of a multiclass model (in the model's class order), its score's bins and its
 * one-vs-rest isotonic calibration, kept only when it lowers that class's held-out ECE.
 */
export interface ReferenceClassCalibration {
  method: 'isotonic';
  folds: number;
  /** Rows with a valid label and every class's score: what the maps were fitted on. */
  rows: number;
  classes: ClassScoreCalibration[];
}

export interface ClassScoreCalibration {
  class: string;
  /** The training data's column of this class's score (reference_build.score_columns). */
  column: string;
  /**
   * Bin edges of the score (upper-inclusive, as every edge list here): the fine edges of the
   * class's reference scores (about FINE_BINS equal-frequency quantiles, plus atoms).
   */
  edges: number[];
  used: boolean;
  raw_ece: number | null;
  calibrated_ece: number | null;
  /** The calibrated P(class) per score bin (length edges.length + 1). */
  map: number[];
}

/** Fine bins per numeric feature: KS error from binning is at most 1/FINE_BINS. */
export const FINE_BINS = 200;

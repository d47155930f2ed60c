// The label pass of the reference build (reference_build.label_column): the model's metrics on
// the labelled rows, their spread over random chunks of about performance_chunk_rows rows, and
// (binary classifiers) the isotonic calibration of the score with its held-out ECE gate.
// Memory depends on the chunks, folds and bins, never on the number of rows: a classifier's
// rows are kept as counts per fine score bin, a regression's as error sums.
import { DEFAULT_PERFORMANCE_CHUNK_ROWS } from '../config/defaults.js';
import type { ModelConfig } from '../config/types.js';
import { addToEceTally, decideCalibration, emptyEceTally, type CalibrationFold } from '../stats/calibration.js';
import { binIndex } from '../stats/bins.js';
import {
  accuracy,
  binnedRocAuc,
  emptyRegressionSums,
  f1,
  mae,
  precision,
  r2,
  recall,
  rmse,
  sampleStd,
  sortedQuantile,
  type Confusion,
  type RegressionSums,
} from '../stats/performance.js';
import type { DataFormat } from './rows.js';
import { seededRandom } from './seeded-random.js';
import { ERROR_MAP_PRIOR_ROWS, shrunkBinMeans } from '../stats/error-map.js';
import type { MetricSpread, ReferenceCalibration, ReferenceErrorMap, ReferencePerformance } from './types.js';
import { INVALID, MISSING, categoryDecoder, numberDecoder, type Decoded, type NaValues } from './values.js';

/** At most this many chunks are measured (the rest of the rows still count in the overall metrics). */
export const MAX_PERFORMANCE_CHUNKS = 200;
/** Held-out splits for the calibration gate. */
export const CALIBRATION_FOLDS = 5;
const SEED = 0x5eed_cb9e;

/** Per group of rows (the whole reference, one chunk, one fold): what its metrics need. */
interface ClassifierTally {
  /** Binary: per fine score bin, positives and negatives (AUC, calibration); confusion at the threshold. */
  positives: Float64Array;
  negatives: Float64Array;
  confusion: Confusion;
  /** Multiclass: confusion matrix, actual × predicted, row-major. */
  matrix: Float64Array;
}

export class PerformanceTally {
  labelled = 0;
  unlabelled = 0;
  private readonly random = seededRandom(SEED);
  private readonly decodeLabel: (raw: unknown) => Decoded<number>;
  private readonly classes: number;
  private readonly whole: ClassifierTally;
  private readonly wholeSums = emptyRegressionSums();
  private readonly chunkTallies: ClassifierTally[] = [];
  private readonly chunkSums: RegressionSums[] = [];
  private readonly folds: CalibrationFold[] = [];
  private readonly chunkSlots: number;
  /** Regression: per fine bin of the prediction, labelled rows and their Σ|e| and Σe² (the error map). */
  private readonly binRows: Float64Array;
  private readonly binAbsolute: Float64Array;
  private readonly binSquared: Float64Array;

  /**
   * `rows` (all rows of the file) sets the number of chunks, floor(rows / chunk_rows), before
   * the labels are read; `fineEdges` are the prediction's (binary) for the score bins.
   */
  constructor(
    private readonly model: ModelConfig,
    format: DataFormat,
    na: NaValues,
    rows: number,
    private readonly fineEdges: readonly number[],
  ) {
    this.classes = model.classes.length;
    this.decodeLabel = labelDecoder(model, format, na);
    const chunkRows = model.reference_build.performance_chunk_rows ?? DEFAULT_PERFORMANCE_CHUNK_ROWS;
    this.chunkSlots = Math.max(1, Math.floor(rows / chunkRows));
    const chunks = Math.min(MAX_PERFORMANCE_CHUNKS, this.chunkSlots);
    this.whole = this.emptyClassifierTally();
    const errorBins = model.task === 'regression' ? fineEdges.length + 1 : 0;
    this.binRows = new Float64Array(errorBins);
    this.binAbsolute = new Float64Array(errorBins);
    this.binSquared = new Float64Array(errorBins);
    for (let c = 0; c < chunks; c++) {
      if (model.task === 'regression') this.chunkSums.push(emptyRegressionSums());
      else this.chunkTallies.push(this.emptyClassifierTally());
    }
    if (model.task === 'binary_classification') {
      const bins = fineEdges.length + 1;
      for (let f = 0; f < CALIBRATION_FOLDS; f++) {
        this.folds.push({ rows: new Float64Array(bins), positives: new Float64Array(bins), raw: emptyEceTally() });
      }
    }
  }

  /**
   * One row: its decoded prediction (number, or class index for multiclass; null if missing/invalid)
   * and raw label. Returns the decoded label when the row counts (labelled), else null.
   */
  add(prediction: number | null, rawLabel: unknown): number | null {
    const label = this.decodeLabel(rawLabel);
    if (label === MISSING || label === INVALID || prediction === null) {
      this.unlabelled++;
      return null;
    }
    this.labelled++;
    const slot = Math.floor(this.random() * this.chunkSlots);
    if (this.model.task === 'regression') {
      addRegression(this.wholeSums, prediction, label);
      if (slot < this.chunkSums.length) addRegression(this.chunkSums[slot], prediction, label);
      const bin = binIndex(this.fineEdges, prediction);
      const error = prediction - label;
      this.binRows[bin]++;
      this.binAbsolute[bin] += Math.abs(error);
      this.binSquared[bin] += error * error;
      return label;
    }
    this.addClassified(this.whole, prediction, label);
    if (slot < this.chunkTallies.length) this.addClassified(this.chunkTallies[slot], prediction, label);
    if (this.model.task === 'binary_classification') {
      const fold = this.folds[Math.floor(this.random() * CALIBRATION_FOLDS)];
      const bin = binIndex(this.fineEdges, prediction);
      fold.rows[bin]++;
      fold.positives[bin] += label;
      addToEceTally(fold.raw, prediction, label, 1);
    }
    return label;
  }

  performance(): ReferencePerformance {
    const metrics = this.model.task === 'regression' ? regressionMetrics(this.wholeSums) : this.classifierMetrics(this.whole);
    const perChunk =
      this.model.task === 'regression'
        ? this.chunkSums.filter((s) => s.n > 0).map(regressionMetrics)
        : this.chunkTallies.filter((t) => rowsOf(t) > 0).map((t) => this.classifierMetrics(t));
    const chunkRowCounts = this.model.task === 'regression' ? this.chunkSums.map((s) => s.n) : this.chunkTallies.map(rowsOf);
    const measured = chunkRowCounts.filter((n) => n > 0);
    const spread: Record<string, MetricSpread> = {};
    if (perChunk.length >= 2) {
      for (const name of Object.keys(metrics)) {
        const values = perChunk.map((m) => m[name]).filter(Number.isFinite).sort((a, b) => a - b);
        if (values.length < 2) continue;
        spread[name] = { std: sampleStd(values), p05: sortedQuantile(values, 0.05), p95: sortedQuantile(values, 0.95) };
      }
    }
    return {
      label_column: this.model.reference_build.label_column ?? '',
      labelled_rows: this.labelled,
      unlabelled_rows: this.unlabelled,
      metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
      chunk_rows: measured.length > 0 ? measured.reduce((s, n) => s + n, 0) / measured.length : 0,
      chunks: measured.length,
      spread,
    };
  }

  /** Binary classifiers only. */
  calibration(): ReferenceCalibration | undefined {
    if (this.model.task !== 'binary_classification') return undefined;
    const decision = decideCalibration(this.folds);
    const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return {
      method: 'isotonic',
      used: decision.use,
      folds: CALIBRATION_FOLDS,
      raw_ece: finite(decision.rawEce),
      calibrated_ece: finite(decision.calibratedEce),
      map: Array.from(decision.map, (v) => (Number.isFinite(v) ? v : 0)),
    };
  }

  /** Regressions only: the expected |e| and e² per fine bin of the prediction. */
  errorMap(): ReferenceErrorMap | undefined {
    if (this.model.task !== 'regression' || this.binRows.length === 0 || this.labelled === 0) return undefined;
    return {
      method: 'binned_residuals',
      prior_rows: ERROR_MAP_PRIOR_ROWS,
      rows: Array.from(this.binRows),
      absolute: Array.from(shrunkBinMeans(this.binRows, this.binAbsolute, ERROR_MAP_PRIOR_ROWS)),
      squared: Array.from(shrunkBinMeans(this.binRows, this.binSquared, ERROR_MAP_PRIOR_ROWS)),
    };
  }

  private emptyClassifierTally(): ClassifierTally {
    const binary = this.model.task === 'binary_classification';
    const bins = binary ? this.fineEdges.length + 1 : 0;
    return {
      positives: new Float64Array(bins),
      negatives: new Float64Array(bins),
      confusion: { tp: 0, fp: 0, fn: 0, tn: 0 },
      matrix: new Float64Array(binary ? 0 : this.classes * this.classes),
    };
  }

  private addClassified(tally: ClassifierTally, prediction: number, label: number): void {
    if (this.model.task === 'multiclass_classification') {
      tally.matrix[label * this.classes + prediction]++;
      return;
    }
    const bin = binIndex(this.fineEdges, prediction);
    const predictedPositive = prediction >= this.model.prediction.decision_threshold;
    if (label === 1) {
      tally.positives[bin]++;
      if (predictedPositive) tally.confusion.tp++;
      else tally.confusion.fn++;
    } else {
      tally.negatives[bin]++;
      if (predictedPositive) tally.confusion.fp++;
      else tally.confusion.tn++;
    }
  }

  private classifierMetrics(tally: ClassifierTally): Record<string, number> {
    if (this.model.task === 'binary_classification') {
      const c = tally.confusion;
      return { accuracy: accuracy(c), precision: precision(c), recall: recall(c), f1: f1(c), roc_auc: binnedRocAuc(tally.positives, tally.negatives) };
    }
    return multiclassMetrics(tally.matrix, this.classes);
  }
}

function rowsOf(tally: ClassifierTally): number {
  const c = tally.confusion;
  let n = c.tp + c.fp + c.fn + c.tn;
  for (const v of tally.matrix) n += v;
  return n;
}

function addRegression(sums: RegressionSums, prediction: number, actual: number): void {
  const error = prediction - actual;
  sums.n++;
  sums.absoluteError += Math.abs(error);
  sums.squaredError += error * error;
  sums.actual += actual;
  sums.actualSquared += actual * actual;
}

function regressionMetrics(sums: RegressionSums): Record<string, number> {
  return { mae: mae(sums), rmse: rmse(sums), r2: r2(sums) };
}

/** Accuracy and the macro means (over classes where each is defined) of one-vs-rest precision, recall, F1. */
export function multiclassMetrics(matrix: ArrayLike<number>, classes: number): Record<string, number> {
  let total = 0;
  let correct = 0;
  const p: number[] = [];
  const r: number[] = [];
  const f: number[] = [];
  for (let k = 0; k < classes; k++) {
    let actualK = 0;
    let predictedK = 0;
    for (let j = 0; j < classes; j++) {
      actualK += matrix[k * classes + j];
      predictedK += matrix[j * classes + k];
      total += matrix[k * classes + j];
    }
    const tp = matrix[k * classes + k];
    correct += tp;
    const c: Confusion = { tp, fp: predictedK - tp, fn: actualK - tp, tn: 0 };
    for (const [list, value] of [[p, precision(c)], [r, recall(c)], [f, f1(c)]] as const) if (Number.isFinite(value)) list.push(value);
  }
  const mean = (values: number[]): number => (values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN);
  return { accuracy: total > 0 ? correct / total : Number.NaN, precision: mean(p), recall: mean(r), f1: mean(f) };
}

/** Binary: 1 for the positive class (classes[1], 1, true), 0 for the negative; multiclass: the class index; regression: the value. */
function labelDecoder(model: ModelConfig, format: DataFormat, na: NaValues): (raw: unknown) => Decoded<number> {
  if (model.task === 'regression') return numberDecoder(format, na);
  const text = categoryDecoder(format, { na });
  const index = new Map(model.classes.map((name, i) => [name, i]));
  if (model.task === 'binary_classification') {
    for (const [names, value] of [[['1', 'true'], 1], [['0', 'false'], 0]] as const) for (const name of names) if (!index.has(name)) index.set(name, value);
  }
  return (raw) => {
    const normalised = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
    const decoded = text(normalised);
    if (decoded === MISSING || decoded === INVALID) return decoded;
    return index.get(decoded) ?? INVALID;
  };
}

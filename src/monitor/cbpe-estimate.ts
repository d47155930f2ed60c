// The window's performance estimate, read off a summed drift window: the four expected counts
// the events added, and — for ROC AUC — the prediction's counts per fine bin with their expected
// positives (count × calibrated p̂ of the bin, or, with the raw score, the bin's score sum from
// its offsets). A multiclass model's: its per-class counts (accuracy and macro precision,
// recall, F1; no ROC AUC). A regression's: MAE and RMSE from its predictions' expected |e| and
// e². Off the hot path: at scrape, with buffers made once.
import { ESTIMATED_METRICS, estimatedConfusionMetrics, estimatedRocAuc, samplingBand, type EstimatedMetric } from '../stats/cbpe.js';
import { estimatedMulticlassMetrics } from '../stats/cbpe-multiclass.js';
import { expectedError } from '../stats/error-map.js';
import {
  E_FN,
  E_FP,
  E_TN,
  E_TP,
  R_ABSOLUTE,
  R_PREDICTIONS,
  R_SQUARED,
  type BinaryCbpeLayout,
  type CbpeLayout,
  type MulticlassCbpeLayout,
  type RegressionErrorLayout,
} from './cbpe-layout.js';
import type { ModelLayout, NumericSlot } from './layout.js';

export interface WindowEstimate {
  /** Predictions in the window with a probability (the estimate's n). */
  n: number;
  value: Record<EstimatedMetric, number>;
  /** ± half-width of the band (3 SE at n), NaN when the reference has no spread for the metric. */
  band: Record<EstimatedMetric, number>;
}

export interface WindowEstimator {
  /** The estimate from a summed window array (the layout's window width). */
  estimate(window: Float64Array): WindowEstimate;
}

/** The estimator of the layout's kind of CBPE. */
export function windowEstimator(layout: ModelLayout, cbpe: CbpeLayout): WindowEstimator {
  if (cbpe.kind === 'binary') return new CbpeEstimator(layout, cbpe);
  if (cbpe.kind === 'multiclass') return new MulticlassCbpeEstimator(layout, cbpe);
  return new RegressionErrorEstimator(layout, cbpe);
}

export class CbpeEstimator implements WindowEstimator {
  private readonly positives: Float64Array;
  private readonly scratch: Float64Array;
  private readonly slot: NumericSlot;

  constructor(
    private readonly layout: ModelLayout,
    private readonly cbpe: BinaryCbpeLayout,
  ) {
    this.slot = layout.prediction as NumericSlot;
    this.positives = new Float64Array(this.slot.binCount);
    this.scratch = new Float64Array(this.slot.binCount);
  }

  /** The estimate from a summed window array (the layout's window width). */
  estimate(window: Float64Array): WindowEstimate {
    const at = this.cbpe.windowAt;
    const expected = { tp: window[at + E_TP], fp: window[at + E_FP], fn: window[at + E_FN], tn: window[at + E_TN] };
    const n = expected.tp + expected.fp + expected.fn + expected.tn;
    const slot = this.slot;
    const counts = window.subarray(slot.binOffset, slot.binOffset + slot.binCount);
    for (let b = 0; b < slot.binCount; b++) {
      this.positives[b] =
        this.cbpe.calibrated !== null
          ? counts[b] * this.cbpe.calibrated[b]
          : clip01(counts[b] > 0 ? (window[slot.offsetsAt + b] + counts[b] * slot.binLowerEdges[b]) / counts[b] : 0) * counts[b];
    }
    const value = { ...estimatedConfusionMetrics(expected), roc_auc: estimatedRocAuc(counts, this.positives, this.scratch), mae: Number.NaN, rmse: Number.NaN };
    return { n, value, band: bandsAt(this.layout, n) };
  }
}

/** Multiclass, one-vs-rest: accuracy and macro precision, recall, F1 from the window's per-class counts. */
export class MulticlassCbpeEstimator implements WindowEstimator {
  constructor(
    private readonly layout: ModelLayout,
    private readonly cbpe: MulticlassCbpeLayout,
  ) {}

  estimate(window: Float64Array): WindowEstimate {
    const { n, accuracy, precision, recall, f1 } = estimatedMulticlassMetrics(window, this.cbpe.windowAt, this.cbpe.classes);
    return { n, value: { accuracy, precision, recall, f1, roc_auc: Number.NaN, mae: Number.NaN, rmse: Number.NaN }, band: bandsAt(this.layout, n) };
  }
}

/** Regression: MAE and RMSE from the window's predictions' expected |e| and e² (the reference's error map). */
export class RegressionErrorEstimator implements WindowEstimator {
  constructor(
    private readonly layout: ModelLayout,
    private readonly cbpe: RegressionErrorLayout,
  ) {}

  estimate(window: Float64Array): WindowEstimate {
    const at = this.cbpe.windowAt;
    const n = window[at + R_PREDICTIONS];
    const { mae, rmse } = expectedError(n, window[at + R_ABSOLUTE], window[at + R_SQUARED]);
    const none = Number.NaN;
    return { n, value: { accuracy: none, precision: none, recall: none, f1: none, roc_auc: none, mae, rmse }, band: bandsAt(this.layout, n) };
  }
}

/** Per metric, ± 3 SE at n from the reference's chunk spread; NaN where it has none. */
function bandsAt(layout: ModelLayout, n: number): Record<EstimatedMetric, number> {
  const performance = layout.reference.performance;
  const band = {} as Record<EstimatedMetric, number>;
  for (const metric of ESTIMATED_METRICS) {
    const spread = performance?.spread[metric];
    band[metric] = spread === undefined || performance === undefined ? Number.NaN : samplingBand(spread.std, performance.chunk_rows, n);
  }
  return band;
}

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

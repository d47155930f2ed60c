// One cell's realised performance: cumulative counters (exported as counters, so Prometheus
// computes any range and sums replicas) and the same counts over mlwatch's own sliding window
// (for the window gauges). Plain typed arrays, like the cell they belong to.
import { TimeWindow } from '../window.js';
import {
  REGRESSION_ABS_ERROR,
  REGRESSION_COUNT,
  REGRESSION_LABEL_NEGATIVE,
  REGRESSION_LABEL_POSITIVE,
  REGRESSION_LABEL_SQUARED,
  REGRESSION_SQUARED_ERROR,
  confusionIndex,
  regressionIndex,
  scoreBinIndex,
  scoreBinOf,
  type PerformanceLayout,
} from './performance-layout.js';

export class CellPerformance {
  readonly totals: Float64Array;
  readonly window: TimeWindow;

  constructor(
    readonly layout: PerformanceLayout,
    subWindows: number,
    bucketMs: number,
    nowMs: number,
  ) {
    this.totals = new Float64Array(layout.width);
    this.window = new TimeWindow(subWindows, layout.width, bucketMs, nowMs);
  }

  /** A joined classification label: the confusion cell, and the score bin when scored. */
  addClass(actual: number, predicted: number, score: number): void {
    const p = this.layout;
    const current = this.window.current;
    if (predicted >= 0) {
      const at = confusionIndex(p, actual, predicted);
      this.totals[at]++;
      current[at]++;
    }
    if (p.scoreUpper.length > 0 && score - score === 0) {
      const at = scoreBinIndex(p, scoreBinOf(p, score), actual);
      this.totals[at]++;
      current[at]++;
    }
  }

  /** A joined regression label y with the prediction's value (NaN: none, nothing to add). */
  addRegression(label: number, predicted: number): void {
    if (predicted - predicted !== 0) return;
    const error = predicted - label;
    this.addTo(this.totals, label, error);
    this.addTo(this.window.current, label, error);
  }

  private addTo(target: Float64Array, y: number, error: number): void {
    const p = this.layout;
    target[regressionIndex(p, REGRESSION_COUNT)]++;
    target[regressionIndex(p, REGRESSION_ABS_ERROR)] += Math.abs(error);
    target[regressionIndex(p, REGRESSION_SQUARED_ERROR)] += error * error;
    if (y >= 0) target[regressionIndex(p, REGRESSION_LABEL_POSITIVE)] += y;
    else target[regressionIndex(p, REGRESSION_LABEL_NEGATIVE)] -= y;
    target[regressionIndex(p, REGRESSION_LABEL_SQUARED)] += y * y;
  }

  get bytes(): number {
    let total = this.totals.byteLength + this.window.buckets.byteLength;
    for (const sub of this.window.subWindows) total += sub.byteLength;
    return total;
  }
}

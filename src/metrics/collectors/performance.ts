// Performance at training, fixed at start-up from each model's reference: its metrics on the
// labelled rows, their spread over reference chunks, and whether the score's calibration is used
// (per class for a multiclass model with score_columns).
import type { Fleet } from '../../monitor/fleet.js';
import type { Reference } from '../../reference/types.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';

export class PerformanceCollector implements Collector {
  readonly name = 'performance';
  private readonly f = families({
    referencePerformance: METRICS.referencePerformance,
    referencePerformanceLower: METRICS.referencePerformanceLower,
    referencePerformanceUpper: METRICS.referencePerformanceUpper,
    referencePerformanceStd: METRICS.referencePerformanceStd,
    referencePerformanceChunkRows: METRICS.referencePerformanceChunkRows,
    calibrationInUse: METRICS.calibrationInUse,
    calibrationError: METRICS.calibrationError,
    classCalibrationInUse: METRICS.classCalibrationInUse,
    classCalibrationError: METRICS.classCalibrationError,
  });
  readonly families = Object.values(this.f);

  constructor(fleet: Fleet) {
    for (const { monitor } of fleet.models) this.addModel(monitor.model.name, monitor.model.task, monitor.reference);
  }

  private addModel(model: string, task: string, reference: Reference): void {
    const { performance, calibration } = reference;
    if (task === 'binary_classification') this.f.calibrationInUse.samples.push({ labels: { model }, value: calibration?.used === true ? 1 : 0 });
    if (calibration !== undefined) {
      for (const [method, value] of [['raw', calibration.raw_ece], ['isotonic', calibration.calibrated_ece]] as const) {
        if (value !== null) this.f.calibrationError.samples.push({ labels: { model, method }, value });
      }
    }
    for (const c of reference.class_calibration?.classes ?? []) {
      this.f.classCalibrationInUse.samples.push({ labels: { model, class: c.class }, value: c.used ? 1 : 0 });
      for (const [method, value] of [['raw', c.raw_ece], ['isotonic', c.calibrated_ece]] as const) {
        if (value !== null) this.f.classCalibrationError.samples.push({ labels: { model, class: c.class, method }, value });
      }
    }
    if (performance === undefined) return;
    for (const [metric, value] of Object.entries(performance.metrics)) {
      if (value !== null) this.f.referencePerformance.samples.push({ labels: { model, metric }, value });
    }
    for (const [metric, spread] of Object.entries(performance.spread)) {
      const labels = { model, metric };
      this.f.referencePerformanceLower.samples.push({ labels, value: spread.p05 });
      this.f.referencePerformanceUpper.samples.push({ labels, value: spread.p95 });
      this.f.referencePerformanceStd.samples.push({ labels, value: spread.std });
    }
    if (performance.chunks > 0) this.f.referencePerformanceChunkRows.samples.push({ labels: { model }, value: performance.chunk_rows });
  }

  /** Everything is fixed at start-up, from the references loaded then. */
  update(): void {}
}

// Data quality per feature and for the prediction: values, missing, type errors,
// out of range, non-finite — read from the monitors' quality counters — and what to expect
// of nulls (declared nullable, the reference's null rate), fixed at start-up.
import type { Cell } from '../../monitor/cell.js';
import { Q_MISSING, Q_NON_FINITE, Q_OUT_OF_RANGE, Q_TYPE_ERRORS, Q_VALUES, type Slot } from '../../monitor/layout.js';
import type { Fleet } from '../../monitor/fleet.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import type { MetricFamily, Sample } from '../family.js';

/** Where one sample's value lives: a cell's quality counter of one slot. */
interface Binding {
  sample: Sample;
  cell: Cell;
  slot: Slot;
  counter: number;
}

export class QualityCollector implements Collector {
  readonly name = 'quality';
  private readonly f = families({
    featureValues: METRICS.featureValues,
    featureMissing: METRICS.featureMissing,
    featureTypeErrors: METRICS.featureTypeErrors,
    featureOutOfRange: METRICS.featureOutOfRange,
    featureNonFinite: METRICS.featureNonFinite,
    featureNullable: METRICS.featureNullable,
    featureReferenceMissingRatio: METRICS.featureReferenceMissingRatio,
    predictionValues: METRICS.predictionValues,
    predictionMissing: METRICS.predictionMissing,
    predictionTypeErrors: METRICS.predictionTypeErrors,
    predictionOutOfRange: METRICS.predictionOutOfRange,
    predictionNonFinite: METRICS.predictionNonFinite,
  });
  readonly families = Object.values(this.f);
  private readonly bindings: Binding[] = [];

  constructor(fleet: Fleet) {
    const featureFamilies = [this.f.featureValues, this.f.featureMissing, this.f.featureTypeErrors, this.f.featureOutOfRange, this.f.featureNonFinite];
    const predictionFamilies = [this.f.predictionValues, this.f.predictionMissing, this.f.predictionTypeErrors, this.f.predictionOutOfRange, this.f.predictionNonFinite];
    const counters = [Q_VALUES, Q_MISSING, Q_TYPE_ERRORS, Q_OUT_OF_RANGE, Q_NON_FINITE];
    for (const { monitor } of fleet.models) {
      const cell = monitor.state.whole;
      const model = monitor.model.name;
      for (const slot of monitor.layout.slots) {
        const isPrediction = slot === monitor.layout.prediction;
        const labels: Record<string, string> = isPrediction ? { model } : { model, feature: slot.name };
        const targets = isPrediction ? predictionFamilies : featureFamilies;
        counters.forEach((counter, k) => this.bind(targets[k], labels, cell, slot, counter));
      }
      for (const feature of monitor.model.features) {
        const labels = { model, feature: feature.name };
        const sketch = monitor.reference.features[feature.name];
        const missing = sketch.kind === 'numeric' ? sketch.summary.missing : sketch.missing;
        const rows = monitor.reference.rows;
        this.f.featureNullable.samples.push({ labels, value: feature.nullable ? 1 : 0 });
        this.f.featureReferenceMissingRatio.samples.push({ labels, value: rows > 0 ? missing / rows : 0 });
      }
    }
  }

  private bind(family: MetricFamily, labels: Record<string, string>, cell: Cell, slot: Slot, counter: number): void {
    const sample = { labels, value: 0 };
    family.samples.push(sample);
    this.bindings.push({ sample, cell, slot, counter });
  }

  update(): void {
    for (const b of this.bindings) b.sample.value = b.cell.qualityCount(b.slot, b.counter);
  }
}

// Data quality per feature and for the prediction: values, missing, type errors, out of
// range, non-finite — read from each scope's cells — and what to expect of nulls (declared
// nullable, the reference's null rate), fixed at start-up.
import type { CellReader } from '../../monitor/cell-reader.js';
import { Q_MISSING, Q_NON_FINITE, Q_OUT_OF_RANGE, Q_TYPE_ERRORS, Q_VALUES, type Slot } from '../../monitor/layout.js';
import type { Fleet } from '../../monitor/fleet.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import type { MetricFamily, Sample } from '../family.js';
import { ScopeSamples, ScopedFamilies, scopesOf, type Scope } from '../scopes.js';

/** Where one sample's value lives: a quality counter of one slot of a cell (or a sum of cells). */
interface Binding {
  sample: Sample;
  reader: CellReader;
  slot: Slot;
  counter: number;
}

const COUNTERS = [Q_VALUES, Q_MISSING, Q_TYPE_ERRORS, Q_OUT_OF_RANGE, Q_NON_FINITE];
const FEATURE_KEYS = ['featureValues', 'featureMissing', 'featureTypeErrors', 'featureOutOfRange', 'featureNonFinite'] as const;
const PREDICTION_KEYS = ['predictionValues', 'predictionMissing', 'predictionTypeErrors', 'predictionOutOfRange', 'predictionNonFinite'] as const;

export class QualityCollector implements Collector {
  readonly name = 'quality';
  private readonly scoped = new ScopedFamilies([...FEATURE_KEYS, ...PREDICTION_KEYS]);
  private readonly expected = families({
    featureNullable: METRICS.featureNullable,
    featureReferenceMissingRatio: METRICS.featureReferenceMissingRatio,
  });
  readonly families = [...this.scoped.all(), ...Object.values(this.expected)];
  private readonly bindings: Binding[] = [];
  private readonly published = new ScopeSamples();

  constructor(fleet: Fleet) {
    for (const scope of scopesOf(fleet)) {
      const { layout } = scope.model.monitor;
      for (const slot of layout.slots) {
        const isPrediction = slot === layout.prediction;
        const labels = isPrediction ? scope.labels : { ...scope.labels, feature: slot.name };
        const keys = isPrediction ? PREDICTION_KEYS : FEATURE_KEYS;
        COUNTERS.forEach((counter, k) => {
          const family = this.scoped.get(scope.kind, keys[k]);
          if (family) this.bind(family, scope, labels, slot, counter);
        });
      }
    }
    for (const { monitor } of fleet.models) {
      const model = monitor.model.name;
      for (const feature of monitor.model.features) {
        const labels = { model, feature: feature.name };
        const sketch = monitor.reference.features[feature.name];
        const missing = sketch.kind === 'numeric' ? sketch.summary.missing : sketch.missing;
        const rows = monitor.reference.rows;
        this.expected.featureNullable.samples.push({ labels, value: feature.nullable ? 1 : 0 });
        this.expected.featureReferenceMissingRatio.samples.push({ labels, value: rows > 0 ? missing / rows : 0 });
      }
    }
  }

  private bind(family: MetricFamily, scope: Scope, labels: Record<string, string>, slot: Slot, counter: number): void {
    const sample = { labels, value: 0 };
    this.published.add(family, scope, [sample]);
    this.bindings.push({ sample, reader: scope.reader, slot, counter });
  }

  update(): void {
    for (const b of this.bindings) b.sample.value = b.reader.qualityCount(b.slot, b.counter);
    this.published.publish();
  }
}

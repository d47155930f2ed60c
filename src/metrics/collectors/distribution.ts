// Distributions since start and the reference to compare them with: numeric features
// and predictions as histograms on the reference's coarse edges, categories and classes
// as counters, and the reference's per-bin shares (fixed, made once).
import type { CellReader } from '../../monitor/cell-reader.js';
import type { CategoricalSlot, NumericSlot, Slot } from '../../monitor/layout.js';
import type { Fleet } from '../../monitor/fleet.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import { fillHistogram, formatLe, histogramSamples, type Sample } from '../family.js';
import { ScopeSamples, ScopedFamilies, scopesOf, type Scope } from '../scopes.js';

interface HistogramBinding {
  samples: Sample[];
  cell: CellReader;
  slot: NumericSlot;
  /** Coarse bucket counts, made once and refilled each scrape. */
  coarse: Float64Array;
}

/** Category counts of a categorical slot, or (slot null) the predicted classes. */
interface CountBinding {
  samples: Sample[];
  cell: CellReader;
  slot: Slot | null;
}

export class DistributionCollector implements Collector {
  readonly name = 'distribution';
  private readonly scoped = new ScopedFamilies(['featureValue', 'featureCategory', 'predictionValue', 'predictedClass'] as const);
  private readonly reference = families({
    featureReferenceBinRatio: METRICS.featureReferenceBinRatio,
    featureReferenceCategoryRatio: METRICS.featureReferenceCategoryRatio,
    predictionReferenceBinRatio: METRICS.predictionReferenceBinRatio,
    predictionReferenceClassRatio: METRICS.predictionReferenceClassRatio,
  });
  readonly families = [...this.scoped.all(), ...Object.values(this.reference)];
  private readonly histograms: HistogramBinding[] = [];
  private readonly counts: CountBinding[] = [];
  private readonly published = new ScopeSamples();

  constructor(fleet: Fleet) {
    for (const scope of scopesOf(fleet)) this.bindScope(scope);
  }

  private bindScope(scope: Scope): void {
    const { layout } = scope.model.monitor;
    const cell = scope.reader;
    const unsliced = scope.kind === 'model';
    for (const slot of layout.slots) {
      const isPrediction = slot === layout.prediction;
      const labels = isPrediction ? scope.labels : { ...scope.labels, feature: slot.name };
      if (slot.kind === 'numeric') {
        const family = this.scoped.get(scope.kind, isPrediction ? 'predictionValue' : 'featureValue');
        if (family) {
          const samples = histogramSamples(family.name, labels, slot.coarseEdges);
          this.published.add(family, scope, samples);
          this.histograms.push({ samples, cell, slot, coarse: new Float64Array(slot.coarseEnd.length) });
        }
        if (unsliced) {
          const ratio = isPrediction ? this.reference.predictionReferenceBinRatio : this.reference.featureReferenceBinRatio;
          ratio.samples.push(...binRatios(slot, labels));
        }
      } else if (!isPrediction) {
        const family = this.scoped.get(scope.kind, 'featureCategory');
        if (family) {
          const samples = slot.categories.map((category) => ({ labels: { ...labels, category }, value: 0 }));
          this.published.add(family, scope, samples);
          this.counts.push({ samples, cell, slot });
        }
        if (unsliced) this.reference.featureReferenceCategoryRatio.samples.push(...categoryRatios(slot, labels, 'category'));
      } else if (unsliced) {
        this.reference.predictionReferenceClassRatio.samples.push(...categoryRatios(slot, labels, 'class'));
      }
    }
    const classes = this.scoped.get(scope.kind, 'predictedClass');
    if (classes && scope.model.monitor.model.task !== 'regression') {
      const samples = layout.classNames.map((name) => ({ labels: { ...scope.labels, class: name }, value: 0 }));
      this.published.add(classes, scope, samples);
      this.counts.push({ samples, cell, slot: null });
    }
  }

  update(): void {
    for (const h of this.histograms) {
      h.cell.coarseCountsInto(h.slot, h.coarse);
      fillHistogram(h.samples, h.coarse, h.cell.valueSum(h.slot));
    }
    for (const c of this.counts) {
      const { cell, slot, samples } = c;
      for (let i = 0; i < samples.length; i++) samples[i].value = slot === null ? cell.classCount(i) : cell.binCount(slot, i);
    }
    this.published.publish();
  }
}

function binRatios(slot: NumericSlot, labels: Record<string, string>): Sample[] {
  const counts = slot.referenceCoarseCounts;
  const total = counts.reduce((a, b) => a + b, 0);
  return Array.from(counts, (count, i) => ({
    labels: {
      ...labels,
      lower: i === 0 ? '-Inf' : formatLe(slot.coarseEdges[i - 1]),
      upper: i < slot.coarseEdges.length ? formatLe(slot.coarseEdges[i]) : '+Inf',
    },
    value: total > 0 ? count / total : 0,
  }));
}

function categoryRatios(slot: CategoricalSlot, labels: Record<string, string>, label: 'category' | 'class'): Sample[] {
  const counts = slot.referenceCounts;
  const total = counts.reduce((a, b) => a + b, 0);
  return slot.categories.map((name, i) => ({ labels: { ...labels, [label]: name }, value: total > 0 ? counts[i] / total : 0 }));
}

// Distributions since start and the reference to compare them with: numeric features
// and predictions as histograms on the reference's coarse edges, categories and classes
// as counters, and the reference's per-bin shares (fixed, made once).
import type { Cell } from '../../monitor/cell.js';
import type { CategoricalSlot, NumericSlot, Slot } from '../../monitor/layout.js';
import type { Fleet, MonitoredModel } from '../../monitor/fleet.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import { fillHistogram, formatLe, histogramSamples, type Sample } from '../family.js';

interface HistogramBinding {
  samples: Sample[];
  cell: Cell;
  slot: NumericSlot;
  /** Coarse bucket counts, made once and refilled each scrape. */
  coarse: Float64Array;
}

/** Category counts of a categorical slot, or (slot null) the predicted classes. */
interface CountBinding {
  samples: Sample[];
  cell: Cell;
  slot: Slot | null;
}

export class DistributionCollector implements Collector {
  readonly name = 'distribution';
  private readonly f = families({
    featureValue: METRICS.featureValue,
    featureCategory: METRICS.featureCategory,
    featureReferenceBinRatio: METRICS.featureReferenceBinRatio,
    featureReferenceCategoryRatio: METRICS.featureReferenceCategoryRatio,
    predictionValue: METRICS.predictionValue,
    predictedClass: METRICS.predictedClass,
    predictionReferenceBinRatio: METRICS.predictionReferenceBinRatio,
    predictionReferenceClassRatio: METRICS.predictionReferenceClassRatio,
  });
  readonly families = Object.values(this.f);
  private readonly histograms: HistogramBinding[] = [];
  private readonly counts: CountBinding[] = [];

  constructor(fleet: Fleet) {
    for (const m of fleet.models) this.bindModel(m);
  }

  private bindModel({ monitor }: MonitoredModel): void {
    const model = monitor.model.name;
    const { layout } = monitor;
    const cell = monitor.state.whole;
    for (const slot of layout.slots) {
      const isPrediction = slot === layout.prediction;
      const labels: Record<string, string> = isPrediction ? { model } : { model, feature: slot.name };
      if (slot.kind === 'numeric') {
        const family = isPrediction ? this.f.predictionValue : this.f.featureValue;
        const samples = histogramSamples(family.name, labels, slot.coarseEdges);
        family.samples.push(...samples);
        this.histograms.push({ samples, cell, slot, coarse: new Float64Array(slot.coarseEnd.length) });
        const ratio = isPrediction ? this.f.predictionReferenceBinRatio : this.f.featureReferenceBinRatio;
        ratio.samples.push(...binRatios(slot, labels));
      } else if (!isPrediction) {
        const samples = slot.categories.map((category) => ({ labels: { ...labels, category }, value: 0 }));
        this.f.featureCategory.samples.push(...samples);
        this.counts.push({ samples, cell, slot });
        this.f.featureReferenceCategoryRatio.samples.push(...categoryRatios(slot, labels, 'category'));
      } else {
        this.f.predictionReferenceClassRatio.samples.push(...categoryRatios(slot, labels, 'class'));
      }
    }
    if (monitor.model.task !== 'regression') {
      const samples = layout.classNames.map((name) => ({ labels: { model, class: name }, value: 0 }));
      this.f.predictedClass.samples.push(...samples);
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

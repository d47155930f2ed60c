// Drift scores as the last off-hot-path computation left them, for every scope (the model,
// each variant, each segment value): per feature and method, for the prediction, the drifted
// share; and, per model, the settings an alert compares against. A score is exported only
// once its window holds min_samples values.
import type { DriftThresholds } from '../../config/types.js';
import type { CellReader } from '../../monitor/cell-reader.js';
import { METHODS_PER_SLOT, methodsOf } from '../../monitor/drift.js';
import type { Fleet, MonitoredModel } from '../../monitor/fleet.js';
import { segmentReferenceOf } from '../../reference/segment-match.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import type { MetricFamily, Sample } from '../family.js';
import { ScopedFamilies, isLive, scopesOf, type Scope } from '../scopes.js';

const SCORE_KEYS = [
  'featureDrift',
  'featureDriftWindowSamples',
  'featureDrifted',
  'predictionDrift',
  'predictionDriftWindowSamples',
  'driftedFeaturesRatio',
] as const;
type ScoreKey = (typeof SCORE_KEYS)[number];

interface SlotSamples {
  scores: Sample[];
  samples: Sample;
  drifted: Sample | null;
}

/** One scope's samples, made once, exported or not at each update. */
interface ScopeSamples {
  scope: Scope;
  reader: CellReader;
  slots: SlotSamples[];
  share: Sample;
  target: Record<ScoreKey, MetricFamily | null>;
}

export class DriftCollector implements Collector {
  readonly name = 'drift';
  private readonly scoped = new ScopedFamilies(SCORE_KEYS);
  private readonly f = families({
    driftThreshold: METRICS.driftThreshold,
    driftWindowSeconds: METRICS.driftWindowSeconds,
    driftMinSamples: METRICS.driftMinSamples,
    driftLastComputed: METRICS.driftLastComputed,
    driftComputeDuration: METRICS.driftComputeDuration,
    referenceRows: METRICS.referenceRows,
    referenceCreated: METRICS.referenceCreated,
    segmentReferenceFallback: METRICS.segmentReferenceFallback,
    segmentReferenceRows: METRICS.segmentReferenceRows,
  });
  readonly families = [...this.scoped.all(), ...Object.values(this.f)];
  private readonly scopes: ScopeSamples[];
  private readonly modelSamples: { computed: Sample; duration: Sample }[];

  constructor(private readonly fleet: Fleet) {
    this.scopes = scopesOf(fleet).map((scope) => {
      const { layout } = scope.model.monitor;
      const target = {} as Record<ScoreKey, MetricFamily | null>;
      for (const key of SCORE_KEYS) target[key] = this.scoped.get(scope.kind, key);
      const slots = layout.slots.map((slot) => {
        const isPrediction = slot === layout.prediction;
        const labels = isPrediction ? scope.labels : { ...scope.labels, feature: slot.name };
        return {
          scores: methodsOf(slot).map((method) => ({ labels: { ...labels, method }, value: NaN })),
          samples: { labels, value: 0 },
          drifted: isPrediction ? null : { labels, value: 0 },
        };
      });
      return { scope, reader: scope.reader, slots, share: { labels: scope.labels, value: NaN }, target };
    });
    this.modelSamples = fleet.models.map(({ monitor }) => {
      const labels = { model: monitor.model.name };
      return { computed: { labels, value: 0 }, duration: { labels, value: 0 } };
    });
    for (const { monitor } of fleet.models) {
      const { model, reference } = monitor;
      const labels = { model: model.name };
      const thresholds = model.drift.thresholds;
      for (const method of Object.keys(thresholds) as (keyof DriftThresholds)[]) {
        this.f.driftThreshold.samples.push({ labels: { ...labels, method }, value: thresholds[method] });
      }
      this.f.driftWindowSeconds.samples.push({ labels, value: model.drift.window_seconds });
      this.f.driftMinSamples.samples.push({ labels, value: model.drift.min_samples });
      this.f.referenceRows.samples.push({ labels, value: reference.rows });
      this.f.referenceCreated.samples.push({ labels, value: Date.parse(reference.created_at) / 1000 });
      this.segmentReferences(monitor);
    }
  }

  /** Fixed at start-up: which segment values have a reference of their own, and its rows. */
  private segmentReferences(monitor: MonitoredModel['monitor']): void {
    const { state } = monitor;
    state.index.segments.forEach((segment, s) => {
      const built = segmentReferenceOf(monitor.reference, segment.feature);
      segment.values.forEach((value, k) => {
        const labels = { model: monitor.model.name, segment: segment.feature, segment_value: value };
        const cell = state.cells[state.index.segmentCell(s, k)];
        this.f.segmentReferenceFallback.samples.push({ labels, value: state.usesWholeReference(cell) ? 1 : 0 });
        const rows = built?.values[k]?.rows;
        if (rows !== undefined) this.f.segmentReferenceRows.samples.push({ labels, value: rows });
      });
    });
  }

  update(): void {
    for (const family of this.scoped.all()) family.samples = [];
    for (const scope of this.scopes) if (isLive(scope.scope)) this.updateScope(scope);
    const computed: Sample[] = [];
    const durations: Sample[] = [];
    this.fleet.models.forEach((m, i) => {
      const result = m.monitor.state.model.drift;
      if (result.computedAt === 0) return;
      const own = this.modelSamples[i];
      own.computed.value = result.computedAt;
      own.duration.value = result.durationSeconds;
      computed.push(own.computed);
      durations.push(own.duration);
    });
    this.f.driftLastComputed.samples = computed;
    this.f.driftComputeDuration.samples = durations;
  }

  private updateScope({ reader, slots, share, target }: ScopeSamples): void {
    const result = reader.drift;
    for (let s = 0; s < slots.length; s++) {
      const made = slots[s];
      const isPrediction = made.drifted === null;
      made.samples.value = result.samples[s];
      (isPrediction ? target.predictionDriftWindowSamples : target.featureDriftWindowSamples)?.samples.push(made.samples);
      if (Number.isNaN(result.drifted[s])) continue;
      const scores = isPrediction ? target.predictionDrift : target.featureDrift;
      for (let k = 0; k < made.scores.length; k++) {
        made.scores[k].value = result.scores[s * METHODS_PER_SLOT + k];
        scores?.samples.push(made.scores[k]);
      }
      if (made.drifted) {
        made.drifted.value = result.drifted[s];
        target.featureDrifted?.samples.push(made.drifted);
      }
    }
    if (!Number.isNaN(result.driftedShare)) {
      share.value = result.driftedShare;
      target.driftedFeaturesRatio?.samples.push(share);
    }
  }
}

// Drift scores as the last complete off-hot-path computation left them, for every scope (the
// model, each variant, each segment value): per feature and method, for the prediction, each
// score's noise level, the decisions, the drifted share; and, per model, the settings an alert
// compares against. A score is exported only once its window holds min_samples values; a noise
// level only where the reference has noise levels too.
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
  'featureDriftNoise',
  'featureDrifted',
  'predictionDrift',
  'predictionDriftWindowSamples',
  'predictionDriftNoise',
  'predictionDrifted',
  'driftedFeaturesRatio',
] as const;
type ScoreKey = (typeof SCORE_KEYS)[number];

interface SlotSamples {
  isPrediction: boolean;
  scores: Sample[];
  noise: Sample[];
  samples: Sample;
  drifted: Sample;
}

interface ModelSamples {
  computed: Sample;
  duration: Sample;
  failures: Sample;
}

/** One scope's samples, made once, exported or not at each update. */
interface ScopeSamples {
  scope: Scope;
  reader: CellReader;
  slots: SlotSamples[];
  share: Sample;
  target: Record<ScoreKey, MetricFamily | null>;
}

type SettingKey =
  | 'driftThreshold'
  | 'driftWindowSeconds'
  | 'driftMinSamples'
  | 'driftComputeInterval'
  | 'referenceRows'
  | 'referenceCreated'
  | 'segmentReferenceFallback'
  | 'segmentReferenceRows';

export class DriftCollector implements Collector {
  readonly name = 'drift';
  private readonly scoped = new ScopedFamilies(SCORE_KEYS);
  private readonly f = families({
    driftThreshold: METRICS.driftThreshold,
    driftWindowSeconds: METRICS.driftWindowSeconds,
    driftMinSamples: METRICS.driftMinSamples,
    driftLastComputed: METRICS.driftLastComputed,
    driftComputeDuration: METRICS.driftComputeDuration,
    driftComputeInterval: METRICS.driftComputeInterval,
    driftComputeFailures: METRICS.driftComputeFailures,
    referenceRows: METRICS.referenceRows,
    referenceCreated: METRICS.referenceCreated,
    segmentReferenceFallback: METRICS.segmentReferenceFallback,
    segmentReferenceRows: METRICS.segmentReferenceRows,
  });
  readonly families = [...this.scoped.all(), ...Object.values(this.f)];
  private readonly scopes: ScopeSamples[];
  private readonly modelSamples: ModelSamples[];
  /** Samples that never change (settings, reference facts), set again at every update. */
  private readonly settings: Record<SettingKey, Sample[]>;

  constructor(private readonly fleet: Fleet) {
    this.scopes = scopesOf(fleet).map((scope) => {
      const { layout } = scope.model.monitor;
      const target = {} as Record<ScoreKey, MetricFamily | null>;
      for (const key of SCORE_KEYS) target[key] = this.scoped.get(scope.kind, key);
      const slots = layout.slots.map((slot) => {
        const isPrediction = slot === layout.prediction;
        const labels = isPrediction ? scope.labels : { ...scope.labels, feature: slot.name };
        return {
          isPrediction,
          scores: methodsOf(slot).map((method) => ({ labels: { ...labels, method }, value: NaN })),
          noise: methodsOf(slot).map((method) => ({ labels: { ...labels, method }, value: NaN })),
          samples: { labels, value: 0 },
          drifted: { labels, value: 0 },
        };
      });
      return { scope, reader: scope.reader, slots, share: { labels: scope.labels, value: NaN }, target };
    });
    this.modelSamples = fleet.models.map(({ monitor }) => {
      const labels = { model: monitor.model.name };
      return { computed: { labels, value: 0 }, duration: { labels, value: 0 }, failures: { labels, value: 0 } };
    });
    this.settings = {
      driftThreshold: [],
      driftWindowSeconds: [],
      driftMinSamples: [],
      driftComputeInterval: [],
      referenceRows: [],
      referenceCreated: [],
      segmentReferenceFallback: [],
      segmentReferenceRows: [],
    };
    for (const { monitor } of fleet.models) {
      const { model, reference } = monitor;
      const labels = { model: model.name };
      const thresholds = model.drift.thresholds;
      for (const method of Object.keys(thresholds) as (keyof DriftThresholds)[]) {
        this.settings.driftThreshold.push({ labels: { ...labels, method }, value: thresholds[method] });
      }
      this.settings.driftWindowSeconds.push({ labels, value: model.drift.window_seconds });
      this.settings.driftMinSamples.push({ labels, value: model.drift.min_samples });
      this.settings.driftComputeInterval.push({ labels, value: model.drift.compute_interval_seconds });
      this.settings.referenceRows.push({ labels, value: reference.rows });
      this.settings.referenceCreated.push({ labels, value: Date.parse(reference.created_at) / 1000 });
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
        this.settings.segmentReferenceFallback.push({ labels, value: state.usesWholeReference(cell) ? 1 : 0 });
        const rows = built?.values[k]?.rows;
        if (rows !== undefined) this.settings.segmentReferenceRows.push({ labels, value: rows });
      });
    });
  }

  update(): void {
    for (const family of this.scoped.all()) family.samples = [];
    for (const scope of this.scopes) if (isLive(scope.scope)) this.updateScope(scope);
    const computed: Sample[] = [];
    const durations: Sample[] = [];
    const failures: Sample[] = [];
    this.fleet.models.forEach((m, i) => {
      const own = this.modelSamples[i];
      own.failures.value = m.drift.failures;
      failures.push(own.failures);
      const result = m.monitor.state.model.drift;
      if (result.computedAt === 0) return;
      own.computed.value = result.computedAt;
      own.duration.value = result.durationSeconds;
      computed.push(own.computed);
      durations.push(own.duration);
    });
    this.f.driftLastComputed.samples = computed;
    this.f.driftComputeDuration.samples = durations;
    this.f.driftComputeFailures.samples = failures;
    for (const key of Object.keys(this.settings) as SettingKey[]) this.f[key].samples = this.settings[key];
  }

  private updateScope({ reader, slots, share, target }: ScopeSamples): void {
    const result = reader.drift;
    for (let s = 0; s < slots.length; s++) {
      const made = slots[s];
      const p = made.isPrediction;
      made.samples.value = result.samples[s];
      (p ? target.predictionDriftWindowSamples : target.featureDriftWindowSamples)?.samples.push(made.samples);
      if (Number.isNaN(result.drifted[s])) continue;
      const scores = p ? target.predictionDrift : target.featureDrift;
      const noiseFamily = p ? target.predictionDriftNoise : target.featureDriftNoise;
      for (let k = 0; k < made.scores.length; k++) {
        made.scores[k].value = result.scores[s * METHODS_PER_SLOT + k];
        scores?.samples.push(made.scores[k]);
        const noise = result.noise[s * METHODS_PER_SLOT + k];
        if (Number.isNaN(noise)) continue;
        made.noise[k].value = noise;
        noiseFamily?.samples.push(made.noise[k]);
      }
      made.drifted.value = result.drifted[s];
      (p ? target.predictionDrifted : target.featureDrifted)?.samples.push(made.drifted);
    }
    if (!Number.isNaN(result.driftedShare)) {
      share.value = result.driftedShare;
      target.driftedFeaturesRatio?.samples.push(share);
    }
  }
}

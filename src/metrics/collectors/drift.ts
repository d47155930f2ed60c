// Drift scores as the last complete off-hot-path computation left them: per feature and
// method, for the prediction, each score's noise level, the decisions, the drifted share, and
// the settings an alert compares against. A score is exported only once its window holds
// min_samples values; a noise level only where the reference has noise levels too.
import type { DriftThresholds } from '../../config/types.js';
import { METHODS_PER_SLOT, methodsOf } from '../../monitor/drift.js';
import type { Fleet } from '../../monitor/fleet.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import type { Sample } from '../family.js';

interface SlotSamples {
  isPrediction: boolean;
  scores: Sample[];
  noise: Sample[];
  samples: Sample;
  drifted: Sample;
}

interface ModelSamples {
  share: Sample;
  computed: Sample;
  duration: Sample;
  failures: Sample;
}

export class DriftCollector implements Collector {
  readonly name = 'drift';
  private readonly f = families({
    featureDrift: METRICS.featureDrift,
    featureDriftWindowSamples: METRICS.featureDriftWindowSamples,
    featureDriftNoise: METRICS.featureDriftNoise,
    featureDrifted: METRICS.featureDrifted,
    predictionDrift: METRICS.predictionDrift,
    predictionDriftWindowSamples: METRICS.predictionDriftWindowSamples,
    predictionDriftNoise: METRICS.predictionDriftNoise,
    predictionDrifted: METRICS.predictionDrifted,
    driftedFeaturesRatio: METRICS.driftedFeaturesRatio,
    driftThreshold: METRICS.driftThreshold,
    driftWindowSeconds: METRICS.driftWindowSeconds,
    driftMinSamples: METRICS.driftMinSamples,
    driftLastComputed: METRICS.driftLastComputed,
    driftComputeDuration: METRICS.driftComputeDuration,
    driftComputeInterval: METRICS.driftComputeInterval,
    driftComputeFailures: METRICS.driftComputeFailures,
    referenceRows: METRICS.referenceRows,
    referenceCreated: METRICS.referenceCreated,
  });
  readonly families = Object.values(this.f);
  /** perModel[model][slot]: samples made once, exported or not per update. */
  private readonly perModel: SlotSamples[][];
  private readonly modelSamples: ModelSamples[];
  /** Samples that never change (settings, reference facts), set again at every update. */
  private readonly settings: Record<'driftThreshold' | 'driftWindowSeconds' | 'driftMinSamples' | 'driftComputeInterval' | 'referenceRows' | 'referenceCreated', Sample[]>;

  constructor(private readonly fleet: Fleet) {
    this.perModel = fleet.models.map(({ monitor }) => {
      const model = monitor.model.name;
      return monitor.layout.slots.map((slot) => {
        const isPrediction = slot === monitor.layout.prediction;
        const labels: Record<string, string> = isPrediction ? { model } : { model, feature: slot.name };
        return {
          isPrediction,
          scores: methodsOf(slot).map((method) => ({ labels: { ...labels, method }, value: NaN })),
          noise: methodsOf(slot).map((method) => ({ labels: { ...labels, method }, value: NaN })),
          samples: { labels, value: 0 },
          drifted: { labels, value: 0 },
        };
      });
    });
    this.modelSamples = fleet.models.map(({ monitor }) => {
      const labels = { model: monitor.model.name };
      return { share: { labels, value: NaN }, computed: { labels, value: 0 }, duration: { labels, value: 0 }, failures: { labels, value: 0 } };
    });
    this.settings = { driftThreshold: [], driftWindowSeconds: [], driftMinSamples: [], driftComputeInterval: [], referenceRows: [], referenceCreated: [] };
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
    }
  }

  update(): void {
    const out = {
      featureDrift: [] as Sample[],
      featureDriftWindowSamples: [] as Sample[],
      featureDriftNoise: [] as Sample[],
      featureDrifted: [] as Sample[],
      predictionDrift: [] as Sample[],
      predictionDriftWindowSamples: [] as Sample[],
      predictionDriftNoise: [] as Sample[],
      predictionDrifted: [] as Sample[],
      driftedFeaturesRatio: [] as Sample[],
      driftLastComputed: [] as Sample[],
      driftComputeDuration: [] as Sample[],
      driftComputeFailures: [] as Sample[],
    };
    for (const m of this.fleet.models) {
      const result = m.drift.result;
      const slots = this.perModel[m.index];
      for (let s = 0; s < slots.length; s++) {
        const made = slots[s];
        const p = made.isPrediction;
        made.samples.value = result.samples[s];
        (p ? out.predictionDriftWindowSamples : out.featureDriftWindowSamples).push(made.samples);
        if (Number.isNaN(result.drifted[s])) continue;
        for (let k = 0; k < made.scores.length; k++) {
          made.scores[k].value = result.scores[s * METHODS_PER_SLOT + k];
          (p ? out.predictionDrift : out.featureDrift).push(made.scores[k]);
          const noise = result.noise[s * METHODS_PER_SLOT + k];
          if (Number.isNaN(noise)) continue;
          made.noise[k].value = noise;
          (p ? out.predictionDriftNoise : out.featureDriftNoise).push(made.noise[k]);
        }
        made.drifted.value = result.drifted[s];
        (p ? out.predictionDrifted : out.featureDrifted).push(made.drifted);
      }
      const model = this.modelSamples[m.index];
      if (!Number.isNaN(result.driftedShare)) {
        model.share.value = result.driftedShare;
        out.driftedFeaturesRatio.push(model.share);
      }
      if (result.computedAt > 0) {
        model.computed.value = result.computedAt;
        model.duration.value = result.durationSeconds;
        out.driftLastComputed.push(model.computed);
        out.driftComputeDuration.push(model.duration);
      }
      model.failures.value = m.drift.failures;
      out.driftComputeFailures.push(model.failures);
    }
    for (const key of Object.keys(out) as (keyof typeof out)[]) this.f[key].samples = out[key];
    for (const key of Object.keys(this.settings) as (keyof typeof this.settings)[]) this.f[key].samples = this.settings[key];
  }
}

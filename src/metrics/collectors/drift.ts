// Drift scores as the last off-hot-path computation left them: per feature and method,
// for the prediction, the drifted share, and the settings an alert compares against.
// A score is exported only once its window holds min_samples values.
import type { DriftThresholds } from '../../config/types.js';
import { METHODS_PER_SLOT, methodsOf } from '../../monitor/drift.js';
import type { Fleet } from '../../monitor/fleet.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import type { Sample } from '../family.js';

interface SlotSamples {
  scores: Sample[];
  samples: Sample;
  drifted: Sample | null;
}

export class DriftCollector implements Collector {
  readonly name = 'drift';
  private readonly f = families({
    featureDrift: METRICS.featureDrift,
    featureDriftWindowSamples: METRICS.featureDriftWindowSamples,
    featureDrifted: METRICS.featureDrifted,
    predictionDrift: METRICS.predictionDrift,
    predictionDriftWindowSamples: METRICS.predictionDriftWindowSamples,
    driftedFeaturesRatio: METRICS.driftedFeaturesRatio,
    driftThreshold: METRICS.driftThreshold,
    driftWindowSeconds: METRICS.driftWindowSeconds,
    driftMinSamples: METRICS.driftMinSamples,
    driftLastComputed: METRICS.driftLastComputed,
    driftComputeDuration: METRICS.driftComputeDuration,
    referenceRows: METRICS.referenceRows,
    referenceCreated: METRICS.referenceCreated,
  });
  readonly families = Object.values(this.f);
  /** perModel[model][slot]: samples made once, exported or not per update. */
  private readonly perModel: SlotSamples[][];
  private readonly modelSamples: { share: Sample; computed: Sample; duration: Sample }[];

  constructor(private readonly fleet: Fleet) {
    this.perModel = fleet.models.map(({ monitor }) => {
      const model = monitor.model.name;
      return monitor.layout.slots.map((slot) => {
        const isPrediction = slot === monitor.layout.prediction;
        const labels: Record<string, string> = isPrediction ? { model } : { model, feature: slot.name };
        return {
          scores: methodsOf(slot).map((method) => ({ labels: { ...labels, method }, value: NaN })),
          samples: { labels, value: 0 },
          drifted: isPrediction ? null : { labels, value: 0 },
        };
      });
    });
    this.modelSamples = fleet.models.map(({ monitor }) => {
      const labels = { model: monitor.model.name };
      return { share: { labels, value: NaN }, computed: { labels, value: 0 }, duration: { labels, value: 0 } };
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
    }
  }

  update(): void {
    const out = {
      featureDrift: [] as Sample[],
      featureDriftWindowSamples: [] as Sample[],
      featureDrifted: [] as Sample[],
      predictionDrift: [] as Sample[],
      predictionDriftWindowSamples: [] as Sample[],
      driftedFeaturesRatio: [] as Sample[],
      driftLastComputed: [] as Sample[],
      driftComputeDuration: [] as Sample[],
    };
    for (const m of this.fleet.models) {
      const result = m.monitor.state.whole.drift;
      const slots = this.perModel[m.index];
      for (let s = 0; s < slots.length; s++) {
        const made = slots[s];
        const isPrediction = made.drifted === null;
        made.samples.value = result.samples[s];
        (isPrediction ? out.predictionDriftWindowSamples : out.featureDriftWindowSamples).push(made.samples);
        if (Number.isNaN(result.drifted[s])) continue;
        for (let k = 0; k < made.scores.length; k++) {
          made.scores[k].value = result.scores[s * METHODS_PER_SLOT + k];
          (isPrediction ? out.predictionDrift : out.featureDrift).push(made.scores[k]);
        }
        if (made.drifted) {
          made.drifted.value = result.drifted[s];
          out.featureDrifted.push(made.drifted);
        }
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
    }
    for (const key of Object.keys(out) as (keyof typeof out)[]) this.f[key].samples = out[key];
  }
}

// Traffic and identity: accepted events per version (and versions refused as labels), the
// expected version and its deploy time, inference latency, rejected events, unknown fields.
import type { Fleet } from '../../monitor/fleet.js';
import { REJECT_REASONS } from '../../monitor/rejections.js';
import { OTHER_CATEGORY } from '../../reference/types.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import { fillHistogram, histogramSamples, type Sample } from '../family.js';

export class TrafficCollector implements Collector {
  readonly name = 'traffic';
  private readonly f = families({
    predictions: METRICS.predictions,
    modelInfo: METRICS.modelInfo,
    modelDeployTimestamp: METRICS.modelDeployTimestamp,
    inferenceLatency: METRICS.inferenceLatency,
    inferenceLatencyNonFinite: METRICS.inferenceLatencyNonFinite,
    modelVersionInvalid: METRICS.modelVersionInvalid,
    eventsRejected: METRICS.eventsRejected,
    unknownFields: METRICS.unknownFields,
  });
  readonly families = Object.values(this.f);
  private readonly latencySamples: Sample[][];
  /** versionSamples[model][versionIndex], made when a version first appears. */
  private readonly versionSamples: Sample[][];

  constructor(private readonly fleet: Fleet) {
    const models = fleet.models.map((m) => m.monitor.model);
    this.f.modelInfo.samples = models.map((m) => ({ labels: { model: m.name, version: m.version }, value: 1 }));
    this.f.modelDeployTimestamp.samples = models
      .filter((m) => m.deployed_at !== undefined)
      .map((m) => ({ labels: { model: m.name }, value: Date.parse(m.deployed_at as string) / 1000 }));
    this.latencySamples = fleet.models.map((m) =>
      histogramSamples(METRICS.inferenceLatency.name, { model: m.monitor.model.name }, m.monitor.latencyBuckets),
    );
    this.f.inferenceLatency.samples = this.latencySamples.flat();
    this.f.unknownFields.samples = models.map((m) => ({ labels: { model: m.name }, value: 0 }));
    this.f.inferenceLatencyNonFinite.samples = models.map((m) => ({ labels: { model: m.name }, value: 0 }));
    this.f.modelVersionInvalid.samples = models.map((m) => ({ labels: { model: m.name }, value: 0 }));
    const rejectModels = [...models.map((m) => m.name), OTHER_CATEGORY];
    this.f.eventsRejected.samples = rejectModels.flatMap((model) =>
      REJECT_REASONS.map((reason) => ({ labels: { model, reason }, value: 0 })),
    );
    this.versionSamples = fleet.models.map(() => []);
  }

  update(): void {
    const predictions: Sample[] = [];
    for (const m of this.fleet.models) {
      const { monitor } = m;
      fillHistogram(this.latencySamples[m.index], monitor.state.latencyBuckets, monitor.state.latency.sum);
      this.f.unknownFields.samples[m.index].value = monitor.state.unknownFields.count;
      this.f.inferenceLatencyNonFinite.samples[m.index].value = monitor.state.latency.nonFinite;
      this.f.modelVersionInvalid.samples[m.index].value = monitor.versions.invalid;
      const counts = monitor.state.versionCounts;
      const cache = this.versionSamples[m.index];
      for (let v = 0; v < counts.length; v++) {
        // The expected version is always exported; others once they have been seen.
        if (v !== 0 && counts[v] === 0) continue;
        cache[v] ??= { labels: { model: monitor.model.name, version: monitor.versions.nameOf(v) }, value: 0 };
        cache[v].value = counts[v];
        predictions.push(cache[v]);
      }
    }
    this.f.predictions.samples = predictions;
    const rejected = this.f.eventsRejected.samples;
    const perModel = REJECT_REASONS.length;
    for (let i = 0; i < rejected.length; i++) {
      rejected[i].value = this.fleet.rejections.get(Math.floor(i / perModel), i % perModel);
    }
  }
}

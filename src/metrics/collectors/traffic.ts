// Traffic and identity: accepted events per version (per model, per variant) and per segment
// value, versions refused as labels, the expected version and its deploy time, inference
// latency (and latencies that were not finite), rejected events, unknown fields, and the size
// of each model's state.
import type { CellReader } from '../../monitor/cell-reader.js';
import type { Fleet } from '../../monitor/fleet.js';
import { REJECT_REASONS } from '../../monitor/rejections.js';
import type { VersionIndex } from '../../monitor/versions.js';
import { OTHER_CATEGORY } from '../../reference/types.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import { fillHistogram, histogramSamples, type MetricFamily, type Sample } from '../family.js';
import { ScopeSamples, ScopedFamilies, isLive, scopesOf, type Scope } from '../scopes.js';

interface VersionedCounts {
  scope: Scope;
  reader: CellReader;
  versions: VersionIndex;
  family: MetricFamily;
  labels: Record<string, string>;
  /** samples[versionIndex], made when a version first appears. */
  samples: Sample[];
}

interface LatencyBinding {
  reader: CellReader;
  samples: Sample[];
  buckets: Float64Array;
}

export class TrafficCollector implements Collector {
  readonly name = 'traffic';
  private readonly scoped = new ScopedFamilies(['predictions', 'inferenceLatency'] as const);
  private readonly f = families({
    modelInfo: METRICS.modelInfo,
    modelDeployTimestamp: METRICS.modelDeployTimestamp,
    inferenceLatencyNonFinite: METRICS.inferenceLatencyNonFinite,
    modelVersionInvalid: METRICS.modelVersionInvalid,
    eventsRejected: METRICS.eventsRejected,
    unknownFields: METRICS.unknownFields,
    stateCells: METRICS.stateCells,
    stateBytes: METRICS.stateBytes,
  });
  readonly families = [...this.scoped.all(), ...Object.values(this.f)];
  private readonly latency: LatencyBinding[] = [];
  private readonly versioned: VersionedCounts[] = [];
  /** Segment events: every version together. */
  private readonly totals: { reader: CellReader; versions: number; sample: Sample }[] = [];
  private readonly published = new ScopeSamples();

  constructor(private readonly fleet: Fleet) {
    const models = fleet.models.map((m) => m.monitor.model);
    this.f.modelInfo.samples = models.map((m) => ({ labels: { model: m.name, version: m.version }, value: 1 }));
    this.f.modelDeployTimestamp.samples = models
      .filter((m) => m.deployed_at !== undefined)
      .map((m) => ({ labels: { model: m.name }, value: Date.parse(m.deployed_at as string) / 1000 }));
    this.f.unknownFields.samples = models.map((m) => ({ labels: { model: m.name }, value: 0 }));
    this.f.inferenceLatencyNonFinite.samples = models.map((m) => ({ labels: { model: m.name }, value: 0 }));
    this.f.modelVersionInvalid.samples = models.map((m) => ({ labels: { model: m.name }, value: 0 }));
    const rejectModels = [...models.map((m) => m.name), OTHER_CATEGORY];
    this.f.eventsRejected.samples = rejectModels.flatMap((model) =>
      REJECT_REASONS.map((reason) => ({ labels: { model, reason }, value: 0 })),
    );
    for (const m of fleet.models) {
      const { state } = m.monitor;
      const labels = { model: m.monitor.model.name };
      this.f.stateCells.samples.push({ labels, value: state.cells.length });
      this.f.stateBytes.samples.push({ labels, value: state.bytes });
    }
    for (const scope of scopesOf(fleet)) {
      const { monitor } = scope.model;
      const latency = this.scoped.get(scope.kind, 'inferenceLatency');
      if (latency) {
        const samples = histogramSamples(latency.name, scope.labels, monitor.latencyBuckets);
        this.published.add(latency, scope, samples);
        this.latency.push({ reader: scope.reader, samples, buckets: new Float64Array(monitor.latencyBuckets.length + 1) });
      }
      const predictions = this.scoped.get(scope.kind, 'predictions');
      if (!predictions) continue;
      const versions = monitor.state.versions;
      if (predictions.definition.labels.includes('version')) {
        this.versioned.push({ scope, reader: scope.reader, versions, family: predictions, labels: scope.labels, samples: [] });
      } else {
        const sample = { labels: scope.labels, value: 0 };
        this.published.add(predictions, scope, [sample]);
        this.totals.push({ reader: scope.reader, versions: versions.capacity + 1, sample });
      }
    }
  }

  update(): void {
    for (const l of this.latency) {
      for (let b = 0; b < l.buckets.length; b++) l.buckets[b] = l.reader.latencyBucketCount(b);
      fillHistogram(l.samples, l.buckets, l.reader.latencySum);
    }
    this.fleet.models.forEach((m, i) => {
      const { state } = m.monitor;
      this.f.unknownFields.samples[i].value = state.model.unknownFields;
      this.f.inferenceLatencyNonFinite.samples[i].value = state.model.nonFiniteLatencies;
      this.f.modelVersionInvalid.samples[i].value = state.versions.invalid;
    });
    for (const family of new Set(this.versioned.map((v) => v.family))) family.samples = [];
    for (const v of this.versioned) {
      if (!isLive(v.scope)) continue;
      for (let index = 0; index <= v.versions.capacity; index++) {
        const count = v.reader.versionCount(index);
        // The expected version is always exported; others once they have been seen.
        if (index !== 0 && count === 0) continue;
        v.samples[index] ??= { labels: { ...v.labels, version: v.versions.nameOf(index) }, value: 0 };
        v.samples[index].value = count;
        v.family.samples.push(v.samples[index]);
      }
    }
    for (const t of this.totals) {
      let total = 0;
      for (let index = 0; index < t.versions; index++) total += t.reader.versionCount(index);
      t.sample.value = total;
    }
    this.published.publish();
    const rejected = this.f.eventsRejected.samples;
    const perModel = REJECT_REASONS.length;
    for (let i = 0; i < rejected.length; i++) {
      rejected[i].value = this.fleet.rejections.get(Math.floor(i / perModel), i % perModel);
    }
  }
}

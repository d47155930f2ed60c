// The label join, per model: predictions with an id, labels received, joined and unmatched by
// reason, the lag histogram, and the join store's health (pending, evictions, bytes; with
// label_store redis its errors, and pending counts as of the last sweep: the fleet's, alike in
// every replica, so aggregate them with max, not sum).
import type { Fleet } from '../../monitor/fleet.js';
import { PENDING_KINDS, UNMATCHED_REASONS } from '../../monitor/labels/join-store.js';
import { STORE_OPERATIONS } from '../../monitor/labels/redis/fleet-join.js';
import { LABEL_LAG_BUCKETS_SECONDS } from '../../monitor/labels/lag.js';
import type { ModelLabels } from '../../monitor/labels/model-labels.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import { fillHistogram, histogramSamples, type Sample } from '../family.js';

interface ModelSamples {
  labels: ModelLabels;
  withId: Sample;
  received: Sample;
  joined: Sample;
  unmatched: Sample[];
  lag: Sample[];
  pending: Sample[];
  evictions: Sample[];
  bytes: Sample;
  /** By STORE_OPERATIONS; none for the in-process store. */
  errors: Sample[];
}

export class LabelsCollector implements Collector {
  readonly name = 'labels';
  private readonly f = families({
    withId: METRICS.predictionsWithId,
    received: METRICS.labelsReceived,
    joined: METRICS.labelsJoined,
    unmatched: METRICS.labelsUnmatched,
    lag: METRICS.labelLag,
    pending: METRICS.labelStorePending,
    evictions: METRICS.labelStoreEvictions,
    bytes: METRICS.labelStoreBytes,
    errors: METRICS.labelStoreErrors,
  });
  readonly families = Object.values(this.f);
  private readonly models: ModelSamples[] = [];

  constructor(fleet: Fleet) {
    for (const { monitor } of fleet.models) {
      const model = monitor.model.name;
      const labels = { model };
      const made: ModelSamples = {
        labels: monitor.state.labels,
        withId: { labels, value: 0 },
        received: { labels, value: 0 },
        joined: { labels, value: 0 },
        unmatched: UNMATCHED_REASONS.map((reason) => ({ labels: { model, reason }, value: 0 })),
        lag: histogramSamples(METRICS.labelLag.name, labels, LABEL_LAG_BUCKETS_SECONDS),
        pending: PENDING_KINDS.map((kind) => ({ labels: { model, kind }, value: 0 })),
        evictions: PENDING_KINDS.map((kind) => ({ labels: { model, kind }, value: 0 })),
        bytes: { labels, value: 0 },
        errors: monitor.state.labels.fleet === null ? [] : STORE_OPERATIONS.map((operation) => ({ labels: { model, operation }, value: 0 })),
      };
      this.models.push(made);
      this.f.withId.samples.push(made.withId);
      this.f.received.samples.push(made.received);
      this.f.joined.samples.push(made.joined);
      this.f.unmatched.samples.push(...made.unmatched);
      this.f.lag.samples.push(...made.lag);
      this.f.pending.samples.push(...made.pending);
      this.f.evictions.samples.push(...made.evictions);
      this.f.bytes.samples.push(made.bytes);
      this.f.errors.samples.push(...made.errors);
    }
  }

  update(): void {
    for (const m of this.models) {
      const { labels } = m;
      m.received.value = labels.received;
      fillHistogram(m.lag, labels.lag.buckets, labels.lag.sum);
      const store = labels.counts;
      if (store === null) continue;
      m.withId.value = store.predictionsWithId;
      m.joined.value = store.joined;
      m.unmatched.forEach((sample, k) => (sample.value = store.unmatched[k]));
      m.pending[0].value = store.pendingPredictions;
      m.pending[1].value = store.pendingLabels;
      m.evictions.forEach((sample, k) => (sample.value = store.evictions[k]));
      m.bytes.value = store.bytes;
      const errors = labels.fleet?.errors;
      if (errors !== undefined) m.errors.forEach((sample, k) => (sample.value = errors[k]));
    }
  }
}

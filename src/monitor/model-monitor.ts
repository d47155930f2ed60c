// One model's monitor: validates an event's envelope, then records every feature, the
// prediction, the version and the latency into the model's state. Knows nothing of HTTP.
import type { ModelConfig } from '../config/types.js';
import type { Reference } from '../reference/types.js';
import { buildLayout, type ModelLayout } from './layout.js';
import { recordPrediction } from './prediction.js';
import { compileFeatureReader, type FeatureReader } from './feature-reader.js';
import { isNonFiniteMarker, recordCategorical, recordNumeric } from './record.js';
import { createModelState, type ModelState } from './state.js';
import { VersionIndex } from './versions.js';

type Json = Record<string, unknown>;

export class ModelMonitor {
  readonly layout: ModelLayout;
  readonly state: ModelState;
  readonly versions: VersionIndex;
  /** Reads the features of an event, in slot order, into `featureValues` (reused). */
  private readonly readFeatures: FeatureReader;
  private readonly featureValues: unknown[];

  constructor(
    readonly model: ModelConfig,
    readonly reference: Reference,
    /** Upper bounds of the latency histogram, seconds, strictly increasing. */
    readonly latencyBuckets: readonly number[],
    /** metrics.max_label_value_bytes: the longest model_version exported as a label. */
    maxLabelValueBytes?: number,
  ) {
    this.layout = buildLayout(model, reference);
    this.state = createModelState(this.layout, latencyBuckets.length);
    this.versions = new VersionIndex(model.version, model.max_versions, maxLabelValueBytes);
    this.readFeatures = compileFeatureReader(model.features.map((f) => f.name));
    this.featureValues = new Array<unknown>(model.features.length).fill(undefined);
  }

  /**
   * Record one event. Returns null when accepted, or why the envelope is malformed
   * (the event is then rejected and nothing of it is recorded).
   */
  record(event: unknown): string | null {
    const problem = envelopeProblem(event);
    if (problem !== null) return problem;
    const e = event as Json;
    const features = e.features as Json;
    const { layout, state } = this;
    const slots = layout.slots;
    const values = this.featureValues;
    this.readFeatures(features, values);
    let known = 0;
    for (let i = 0; i < layout.featureCount; i++) {
      const value = values[i];
      if (value !== undefined) known++;
      const slot = slots[i];
      if (slot.kind === 'numeric') recordNumeric(layout, state, slot, value);
      else recordCategorical(state, slot, value);
    }
    // Counting keys (not naming them) keeps unknown fields cheap and label-free.
    let total = 0;
    for (const key in features) if (Object.prototype.hasOwnProperty.call(features, key)) total++;
    if (total > known) state.unknownFields.count += total - known;
    recordPrediction(layout, state, e.prediction);
    state.versionCounts[this.versions.indexOf(e.model_version as string | undefined)]++;
    if (e.latency_ms !== undefined) this.recordLatency(e.latency_ms);
    return null;
  }

  /** A number ≥ 0, or a non-finite one (the envelope check let nothing else through). */
  private recordLatency(latencyMs: unknown): void {
    if (typeof latencyMs !== 'number' || latencyMs - latencyMs !== 0) {
      this.state.latency.nonFinite++;
      return;
    }
    const seconds = latencyMs / 1000;
    const buckets = this.latencyBuckets;
    let b = 0;
    while (b < buckets.length && seconds > buckets[b]) b++;
    this.state.latencyBuckets[b]++;
    this.state.latency.sum += seconds;
    this.state.latency.count++;
  }
}

/** Why an event is not a well-formed envelope, or null. Feature values are not judged here. */
export function envelopeProblem(event: unknown): string | null {
  if (!isObject(event)) return 'event must be a JSON object';
  if (!isObject(event.features)) return '"features" must be an object of feature name to value';
  const latency = event.latency_ms;
  // NaN and ±Infinity (bare tokens, or overflowing numbers like 1e999) are kept and counted as
  // non-finite latencies; a negative finite number or another type is a malformed envelope.
  if (latency !== undefined && !(typeof latency === 'number' ? latency >= 0 || latency === -Infinity : isNonFiniteMarker(latency))) {
    return '"latency_ms" must be a non-negative number';
  }
  const version = event.model_version;
  if (version !== undefined && typeof version !== 'string') return '"model_version" must be a string';
  const id = event.id;
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') return '"id" must be a string or a number';
  const timestamp = event.timestamp;
  if (timestamp !== undefined && typeof timestamp !== 'string' && typeof timestamp !== 'number') {
    return '"timestamp" must be an ISO 8601 string or Unix seconds';
  }
  return null;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

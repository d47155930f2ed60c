// One model's monitor: validates an event's envelope, then records every feature, the
// prediction, the version and the latency into the model's state. Knows nothing of HTTP.
import type { ModelConfig } from '../config/types.js';
import type { Reference } from '../reference/types.js';
import type { Cell } from './cell.js';
import { buildLayout, type ModelLayout } from './layout.js';
import { recordPrediction } from './prediction.js';
import { compileFeatureReader, type FeatureReader } from './feature-reader.js';
import { recordCategorical, recordNumeric } from './record.js';
import { ModelState } from './state.js';
import type { VersionIndex } from './versions.js';

type Json = Record<string, unknown>;

export class ModelMonitor {
  readonly layout: ModelLayout;
  readonly state: ModelState;
  /** Reads the features of an event, in slot order, into `featureValues` (reused). */
  private readonly readFeatures: FeatureReader;
  private readonly featureValues: unknown[];

  constructor(
    readonly model: ModelConfig,
    readonly reference: Reference,
    /** Upper bounds of the latency histogram, seconds, strictly increasing. */
    readonly latencyBuckets: readonly number[],
    /** Time at start-up, Unix milliseconds: the drift window's first bucket. */
    nowMs = Date.now(),
  ) {
    this.layout = buildLayout(model, reference);
    this.state = new ModelState(this.layout, latencyBuckets, nowMs);
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
    const layout = this.layout;
    const cell = this.state.whole;
    const slots = layout.slots;
    const values = this.featureValues;
    this.readFeatures(features, values);
    let known = 0;
    for (let i = 0; i < layout.featureCount; i++) {
      const value = values[i];
      if (value !== undefined) known++;
      const slot = slots[i];
      if (slot.kind === 'numeric') recordNumeric(cell, slot, value);
      else recordCategorical(cell, slot, value);
    }
    // Counting keys (not naming them) keeps unknown fields cheap and label-free.
    let total = 0;
    for (const key in features) if (Object.prototype.hasOwnProperty.call(features, key)) total++;
    if (total > known) cell.countUnknownFields(total - known);
    recordPrediction(cell, e.prediction);
    cell.countVersion(this.state.versions.indexOf(e.model_version as string | undefined));
    if (e.latency_ms !== undefined) this.recordLatency(cell, (e.latency_ms as number) / 1000);
    return null;
  }

  /** The versions seen, by index (the names live in the state). */
  get versions(): VersionIndex {
    return this.state.versions;
  }

  private recordLatency(cell: Cell, seconds: number): void {
    const buckets = this.latencyBuckets;
    let b = 0;
    while (b < buckets.length && seconds > buckets[b]) b++;
    cell.addLatency(b, seconds);
  }
}

/** Why an event is not a well-formed envelope, or null. Feature values are not judged here. */
export function envelopeProblem(event: unknown): string | null {
  if (!isObject(event)) return 'event must be a JSON object';
  if (!isObject(event.features)) return '"features" must be an object of feature name to value';
  const latency = event.latency_ms;
  if (latency !== undefined && !(typeof latency === 'number' && latency >= 0)) {
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

// One model's monitor: validates an event's envelope, then records every feature, the
// prediction, the version and the latency into the model's state. Knows nothing of HTTP.
import type { ModelConfig } from '../config/types.js';
import type { Reference } from '../reference/types.js';
import { BIN_MASK, buildLayout, type ModelLayout } from './layout.js';
import { EventOutcome, NON_FINITE_LATENCY, NO_LATENCY } from './outcome.js';
import { resolvePrediction } from './prediction.js';
import { compileFeatureReader, type FeatureReader } from './feature-reader.js';
import { isNonFiniteMarker, resolveCategorical, resolveNumeric } from './record.js';
import { EARLY, LATE, ModelState, NO_TIMESTAMP } from './state.js';
import { DEFAULT_FUTURE_TOLERANCE_SECONDS } from '../config/defaults.js';
import type { VersionIndex } from './versions.js';

type Json = Record<string, unknown>;

export class ModelMonitor {
  readonly layout: ModelLayout;
  readonly state: ModelState;
  /** Reads the features of an event, in slot order, into `featureValues` (reused). */
  private readonly readFeatures: FeatureReader;
  private readonly featureValues: unknown[];
  /** The event being recorded, resolved once for all its cells (reused). */
  private readonly outcome: EventOutcome;
  /** window_time event: the event's own time picks its sub-window. */
  private readonly eventTime: boolean;
  private readonly futureToleranceMs: number;
  /** The sub-window bucket the event being recorded belongs in; null: none (left out of the window). */
  private eventBucket: number | null = null;
  /** The event's value index in each segment (reused): what the label join remembers. */
  private readonly segmentValues: Uint16Array;

  constructor(
    readonly model: ModelConfig,
    readonly reference: Reference,
    /** Upper bounds of the latency histogram, seconds, strictly increasing. */
    readonly latencyBuckets: readonly number[],
    /** Time at start-up, Unix milliseconds: the drift window's first bucket. */
    nowMs = Date.now(),
    /** metrics.max_label_value_bytes: the longest model_version exported as a label. */
    maxLabelValueBytes?: number,
    /** The clock event time is judged against (window_time event). */
    private readonly clock: () => number = Date.now,
  ) {
    this.layout = buildLayout(model, reference);
    this.eventTime = model.drift.window_time === 'event';
    this.futureToleranceMs = (model.drift.future_tolerance_seconds ?? DEFAULT_FUTURE_TOLERANCE_SECONDS) * 1000;
    this.state = new ModelState(this.layout, latencyBuckets, nowMs, maxLabelValueBytes);
    this.readFeatures = compileFeatureReader(model.features.map((f) => f.name));
    this.featureValues = new Array<unknown>(model.features.length).fill(undefined);
    this.outcome = new EventOutcome(this.layout);
    this.segmentValues = new Uint16Array(this.state.index.segments.length);
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
    const { layout, outcome } = this;
    const slots = layout.slots;
    const values = this.featureValues;
    this.readFeatures(features, values);
    let known = 0;
    for (let i = 0; i < layout.featureCount; i++) {
      const value = values[i];
      if (value !== undefined) known++;
      const slot = slots[i];
      if (slot.kind === 'numeric') resolveNumeric(outcome, slot, value);
      else resolveCategorical(outcome, slot, value);
    }
    // Counting keys (not naming them) keeps unknown fields cheap and label-free.
    let total = 0;
    for (const key in features) if (Object.prototype.hasOwnProperty.call(features, key)) total++;
    outcome.unknownFields = total - known;
    resolvePrediction(layout, outcome, e.prediction);
    outcome.version = this.state.versions.indexOf(e.model_version as string | undefined);
    this.resolveLatency(e.latency_ms);
    if (this.eventTime) this.placeInTime(e.timestamp);
    const variant = this.applyToCells(e.variant);
    const pairing = this.state.pairing;
    if (pairing !== null && e.id !== undefined && (variant === this.state.index.defaultVariant || this.state.index.shadows.has(variant))) {
      const slot = layout.prediction;
      const score = slot.kind === 'numeric' && outcome.codes[slot.index] >= 0 ? outcome.values[slot.index] : NaN;
      pairing.add(String(e.id), variant, outcome.predictedClass, score, this.state.nowMs);
    }
    if (e.id !== undefined) this.state.labels.recordPrediction(e.id, variant, this.segmentValues, outcome.predictedClass, this.predictedNumber(), this.state.nowMs);
    return null;
  }

  /** The prediction's score (binary) or value (regression), NaN when it has none. */
  private predictedNumber(): number {
    const slot = this.layout.prediction;
    const outcome = this.outcome;
    return slot.kind === 'numeric' && outcome.codes[slot.index] >= 0 ? outcome.values[slot.index] : NaN;
  }

  /** The event's variant cell, then its cell in each segment; returns the variant. */
  private applyToCells(variantName: unknown): number {
    const { state, outcome } = this;
    const index = state.index;
    const cells = state.cells;
    const variant = index.variantOf(variantName);
    const variantCell = cells[index.variantCell(variant)];
    if (this.eventTime) variantCell.window.aim(this.eventBucket);
    const segments = index.segments;
    // One cell: write as the slots are read. Several: place the bins once, then write each cell.
    if (segments.length === 0) {
      outcome.applyTo(variantCell);
      return variant;
    }
    outcome.place();
    outcome.applyPlaced(variantCell);
    for (let s = 0; s < segments.length; s++) {
      const segment = segments[s];
      const code = outcome.codes[segment.slot.index];
      let value = segment.missing;
      if (code >= 0) value = segment.edges === null ? code & BIN_MASK : index.numericValueOf(segment, outcome.values[segment.slot.index]);
      this.segmentValues[s] = value;
      const cell = cells[index.segmentCell(s, value)];
      if (this.eventTime) cell.window.aim(this.eventBucket);
      outcome.applyPlaced(cell);
    }
    return variant;
  }

  /**
   * window_time event: the sub-window of the event's timestamp (Unix seconds or ISO 8601), the
   * windows first brought to now; late (older than the window), early (ahead of now by more
   * than the tolerance) or unreadable: counted, and left out of the window.
   */
  private placeInTime(timestamp: unknown): void {
    const state = this.state;
    const nowMs = this.clock();
    state.advance(nowMs);
    const timeMs = typeof timestamp === 'number' ? timestamp * 1000 : typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
    this.eventBucket = null;
    if (!Number.isFinite(timeMs)) state.outsideWindow[NO_TIMESTAMP]++;
    else if (timeMs > nowMs + this.futureToleranceMs) state.outsideWindow[EARLY]++;
    else {
      const window = state.cells[0].window;
      // Within the tolerance ahead of now: the newest sub-window.
      const bucket = Math.min(window.bucketOf(timeMs), window.currentBucket);
      if (bucket <= window.currentBucket - window.count) state.outsideWindow[LATE]++;
      else this.eventBucket = bucket;
    }
  }

  /** The versions seen, by index (the names live in the state). */
  get versions(): VersionIndex {
    return this.state.versions;
  }

  /** A number ≥ 0, or a non-finite one (the envelope check let nothing else through). */
  private resolveLatency(latencyMs: unknown): void {
    const { outcome } = this;
    if (latencyMs === undefined) outcome.latencyBucket = NO_LATENCY;
    else if (typeof latencyMs !== 'number' || latencyMs - latencyMs !== 0) outcome.latencyBucket = NON_FINITE_LATENCY;
    else {
      outcome.latencySeconds = latencyMs / 1000;
      outcome.latencyBucket = this.latencyBucket(outcome.latencySeconds);
    }
  }

  private latencyBucket(seconds: number): number {
    const buckets = this.latencyBuckets;
    let b = 0;
    while (b < buckets.length && seconds > buckets[b]) b++;
    return b;
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
  const variant = event.variant;
  if (variant !== undefined && typeof variant !== 'string') return '"variant" must be a string (one of the model\'s variants)';
  const timestamp = event.timestamp;
  if (timestamp !== undefined && typeof timestamp !== 'string' && typeof timestamp !== 'number') {
    return '"timestamp" must be an ISO 8601 string or Unix seconds';
  }
  return null;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

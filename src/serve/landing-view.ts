// What the landing page shows, read from the fleet's state at request time into plain data:
// per model, the events received and rejected, the drift verdict and when it was computed,
// the data-quality problems since start, and where the model server posts its events.
import { METHODS_PER_SLOT, methodsOf } from '../monitor/drift.js';
import type { Fleet, MonitoredModel } from '../monitor/fleet.js';
import { QUALITY_COUNTERS, Q_MISSING, Q_NON_FINITE, Q_OUT_OF_RANGE, Q_TYPE_ERRORS, type Slot } from '../monitor/layout.js';
import { REJECT_REASONS } from '../monitor/rejections.js';

export interface DriftedFeature {
  feature: string;
  method: string;
  score: number;
}

/** One feature's (or the prediction's) problems since start. */
export interface QualityProblem {
  /** The feature name, or "(prediction)". */
  what: string;
  missing: number;
  /** A nullable feature's reference null rate: its nulls are a problem only well above it. */
  referenceMissingShare: number | null;
  typeErrors: number;
  outOfRange: number;
  nonFinite: number;
}

export interface ModelView {
  name: string;
  task: string;
  version: string;
  predictionsUrl: string | null;
  events: number;
  rejected: number;
  unknownFields: number;
  /** Unix seconds of the last drift computation; 0 before the first. */
  driftComputedAt: number;
  /** Features with enough window values to judge, and the drifted ones among them. */
  judged: number;
  features: number;
  drifted: DriftedFeature[];
  predictionDrifted: boolean;
  minSamples: number;
  quality: QualityProblem[];
  reference: { rows: number; createdAt: string; checksum: string };
}

export interface LandingView {
  ready: boolean;
  nowSeconds: number;
  startedSeconds: number;
  refreshSeconds: number;
  models: ModelView[];
}

export interface LandingContext {
  ready: boolean;
  /** The ingest listener's URL once it listens, e.g. http://127.0.0.1:9801. */
  ingestUrl?: string;
}

/** Often enough to follow drift as it is recomputed, never so often the page flickers. */
export function refreshSeconds(fleet: Fleet): number {
  const fastest = Math.min(...fleet.models.map((m) => m.monitor.model.drift.compute_interval_seconds));
  return Math.min(60, Math.max(5, fastest));
}

export function landingView(fleet: Fleet, context: LandingContext, nowSeconds = Date.now() / 1000): LandingView {
  return {
    ready: context.ready,
    nowSeconds,
    startedSeconds: nowSeconds - process.uptime(),
    refreshSeconds: refreshSeconds(fleet),
    models: fleet.models.map((m) => modelView(fleet, m, context.ingestUrl)),
  };
}

function modelView(fleet: Fleet, m: MonitoredModel, ingestUrl: string | undefined): ModelView {
  const { monitor } = m;
  const { model, reference, layout, state } = monitor;
  const result = state.model.drift;
  const drifted: DriftedFeature[] = [];
  let judged = 0;
  for (const slot of layout.slots) {
    if (slot === layout.prediction || Number.isNaN(result.drifted[slot.index])) continue;
    judged++;
    if (result.drifted[slot.index] !== 1) continue;
    const k = decisionIndex(m, slot);
    drifted.push({ feature: slot.name, method: methodsOf(slot)[k], score: result.scores[slot.index * METHODS_PER_SLOT + k] });
  }
  drifted.sort((a, b) => a.feature.localeCompare(b.feature));
  let rejected = 0;
  for (let r = 0; r < REJECT_REASONS.length; r++) rejected += fleet.rejections.get(m.index, r);
  return {
    name: model.name,
    task: model.task,
    version: model.version,
    predictionsUrl: ingestUrl === undefined ? null : `${ingestUrl}/v1/models/${encodeURIComponent(model.name)}/predictions`,
    events: eventsOf(monitor),
    rejected,
    unknownFields: state.model.unknownFields,
    driftComputedAt: result.computedAt,
    judged,
    features: layout.featureCount,
    drifted,
    predictionDrifted: result.drifted[layout.prediction.index] === 1,
    minSamples: model.drift.min_samples,
    quality: qualityProblems(m),
    reference: { rows: reference.rows, createdAt: reference.created_at, checksum: reference.checksum },
  };
}

function decisionIndex(m: MonitoredModel, slot: Slot): number {
  const decision = m.monitor.model.drift.decision_method;
  const method = slot.kind === 'numeric' ? decision.numeric : decision.categorical;
  return Math.max(0, methodsOf(slot).indexOf(method));
}

/**
 * A nullable feature's nulls count as a problem only this far above its reference null rate:
 * the margin of the shipped null-rate alert (alert-rules/thresholds.yaml, MLWatchFeatureNullRateHigh).
 */
export const NULLABLE_MARGIN = 0.05;

function qualityProblems(m: MonitoredModel): QualityProblem[] {
  const { layout, state, model, reference } = m.monitor;
  const cell = state.model;
  const events = eventsOf(m.monitor);
  const problems: QualityProblem[] = [];
  for (const slot of layout.slots) {
    const isPrediction = slot === layout.prediction;
    const feature = isPrediction ? undefined : model.features[slot.index];
    const sketch = feature === undefined ? undefined : reference.features[feature.name];
    const referenceMissing = sketch === undefined ? 0 : sketch.kind === 'numeric' ? sketch.summary.missing : sketch.missing;
    const problem: QualityProblem = {
      what: isPrediction ? '(prediction)' : slot.name,
      missing: cell.qualityCount(slot, Q_MISSING),
      referenceMissingShare: feature?.nullable === true && reference.rows > 0 ? referenceMissing / reference.rows : null,
      typeErrors: cell.qualityCount(slot, Q_TYPE_ERRORS),
      outOfRange: cell.qualityCount(slot, Q_OUT_OF_RANGE),
      nonFinite: cell.qualityCount(slot, Q_NON_FINITE),
    };
    const expectedNulls = problem.referenceMissingShare === null ? 0 : (problem.referenceMissingShare + NULLABLE_MARGIN) * events;
    const nullProblem = problem.missing > expectedNulls;
    if (nullProblem || problem.typeErrors + problem.outOfRange + problem.nonFinite > 0) problems.push(problem);
  }
  return problems;
}

/** Events the model accepted, every version together. */
function eventsOf(monitor: MonitoredModel['monitor']): number {
  const { state } = monitor;
  let total = 0;
  for (let v = 0; v <= state.versions.capacity; v++) total += state.model.versionCount(v);
  return total;
}

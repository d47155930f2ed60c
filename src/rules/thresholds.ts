// Alert thresholds: the one place every alert's level, window, guard, `for:`, severity and
// team are set (alert-rules/thresholds.yaml). Loaded and checked here, rendered by alerts.ts.
// Tests shorten `for:` and windows with withTimings() instead of editing the shipped file.
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { durationSeconds } from './duration.js';
import { runbookBaseUrlProblem } from './runbook-url.js';

export type Severity = 'critical' | 'warning';
export type Team = 'data-science' | 'sre';
/** Drift methods mlwatch exports for numeric and categorical features alike, higher = more drift. */
export type AlertDriftMethod = 'psi' | 'jensen_shannon';

export interface BaseAlertSettings {
  severity: Severity;
  team: Team;
  /** Prometheus duration the condition must hold before the alert fires. */
  for: string;
}

/**
 * Fires when the score reaches threshold_multiplier × the model's exported
 * mlwatch_drift_threshold{method} and the exported noise level at the window's size (the
 * threshold alone where the reference has no noise levels).
 */
export interface DriftAlertSettings extends BaseAlertSettings {
  method: AlertDriftMethod;
  threshold_multiplier: number;
}

export interface DatasetDriftSettings extends BaseAlertSettings {
  /** Share of drifted features (0..1) at or above which the alert fires. */
  threshold: number;
  /** Features that must have a full drift window before the share is trusted. */
  min_features: number;
}

/** A ratio of counter rates over rate_window, trusted once its denominator grew by min_count. */
export interface RatioAlertSettings extends BaseAlertSettings {
  threshold: number;
  rate_window: string;
  min_count: number;
}

export interface LatencyAlertSettings extends BaseAlertSettings {
  quantile: number;
  threshold_seconds: number;
  rate_window: string;
  min_count: number;
}

/** No predictions in rate_window, for a model that had at least min_count since mlwatch started. */
export interface TrafficStoppedSettings extends BaseAlertSettings {
  rate_window: string;
  min_count: number;
}

/** Deploy age at least max_age, for a model that served min_count predictions in rate_window. */
export interface ModelStaleSettings extends BaseAlertSettings {
  max_age: string;
  rate_window: string;
  min_count: number;
}

/** At least min_count predictions in rate_window from a version other than mlwatch_model_info's. */
export interface UnexpectedVersionSettings extends BaseAlertSettings {
  rate_window: string;
  min_count: number;
}

/** At least min_count failed drift computations of a model in rate_window. */
export interface DriftComputeFailingSettings extends BaseAlertSettings {
  rate_window: string;
  min_count: number;
}

/**
 * Drift scores older than max_intervals of the model's compute interval plus slack (room for
 * the scrape and evaluation intervals, so a long scrape interval does not look like staleness).
 */
export interface DriftStaleSettings extends BaseAlertSettings {
  max_intervals: number;
  slack: string;
}

/** A condition over rate_window, trusted once a counter grew by min_count in it. */
export interface WindowCountSettings extends BaseAlertSettings {
  rate_window: string;
  min_count: number;
}

export interface AlertSettingsByName {
  MLWatchDown: BaseAlertSettings;
  /** threshold: share of the scrapes in rate_window in which a collector failed; min_count: scrapes seen in rate_window. */
  MLWatchCollectorFailing: RatioAlertSettings;
  MLWatchConfigReloadFailed: BaseAlertSettings;
  MLWatchFeatureDriftWarning: DriftAlertSettings;
  MLWatchFeatureDriftCritical: DriftAlertSettings;
  MLWatchPredictionDrift: DriftAlertSettings;
  MLWatchDatasetDrift: DatasetDriftSettings;
  MLWatchDriftComputeFailing: DriftComputeFailingSettings;
  MLWatchDriftStale: DriftStaleSettings;
  MLWatchFeatureNullRateHigh: RatioAlertSettings;
  MLWatchFeatureTypeErrors: RatioAlertSettings;
  MLWatchFeatureOutOfRange: RatioAlertSettings;
  MLWatchPredictionNonFinite: RatioAlertSettings;
  MLWatchInferenceLatencyHigh: LatencyAlertSettings;
  MLWatchTrafficStopped: TrafficStoppedSettings;
  MLWatchModelStale: ModelStaleSettings;
  MLWatchUnexpectedModelVersion: UnexpectedVersionSettings;
  MLWatchEventsRejected: RatioAlertSettings;
  MLWatchSegmentFeatureDrift: BaseAlertSettings;
  MLWatchVariantPredictionDivergence: DriftAlertSettings;
  MLWatchEstimatedPerformanceDrop: BaseAlertSettings;
  /** min_count: labels joined in rate_window before the realised metric is trusted. */
  MLWatchRealisedPerformanceBelowReference: WindowCountSettings;
  /** threshold: |estimated − realised accuracy|; min_count: labels joined in rate_window. */
  MLWatchEstimateRealisedGap: RatioAlertSettings;
  /** No label in rate_window while at least min_count predictions with an id came, for a model that had labels. */
  MLWatchLabelsStopped: WindowCountSettings;
  /** threshold: joined labels / predictions with an id below it; min_count: predictions with an id in rate_window. */
  MLWatchLabelCoverageLow: RatioAlertSettings;
  /** The label lag's quantile at or above threshold_seconds; min_count: labels joined in rate_window. */
  MLWatchLabelLagHigh: LatencyAlertSettings;
  /** At least min_count records evicted from the join store in rate_window. */
  MLWatchLabelStoreEvicting: WindowCountSettings;
  MLWatchLabelStoreErrors: WindowCountSettings;
}

export type AlertName = keyof AlertSettingsByName;

export interface AlertThresholds {
  /** The scrape job of mlwatch (MLWatchDown watches up{job=...}). */
  job: string;
  /** Target labels every aggregation keeps, so alerts name where they come from. */
  target_labels: string[];
  /**
   * Any http(s) URL: {alert} and {anchor} in it become the alert name and its lower case;
   * without them, every runbook_url is this plus "#" and the alert name in lower case.
   */
  runbook_base_url: string;
  /**
   * While a target's scrape fails (up == 0), alerts read each gauge's last value from up to
   * this long ago, so they keep firing until MLWatchDown mutes them. Longer than
   * MLWatchDown's `for:` plus a scrape and an evaluation interval.
   */
  gauge_hold: string;
  alerts: AlertSettingsByName;
}

type FieldKind = 'severity' | 'team' | 'duration' | 'ratio' | 'positive' | 'count' | 'method' | 'quantile';

const BASE: Record<string, FieldKind> = { severity: 'severity', team: 'team', for: 'duration' };
const DRIFT = { ...BASE, method: 'method', threshold_multiplier: 'positive' } as const;
const RATIO = { ...BASE, threshold: 'ratio', rate_window: 'duration', min_count: 'count' } as const;
const WINDOW_COUNT = { ...BASE, rate_window: 'duration', min_count: 'count' } as const;

/** The fields each alert takes, in the order docs and errors list them. */
export const ALERT_FIELDS: Record<AlertName, Record<string, FieldKind>> = {
  MLWatchDown: BASE,
  MLWatchCollectorFailing: RATIO,
  MLWatchConfigReloadFailed: BASE,
  MLWatchFeatureDriftWarning: DRIFT,
  MLWatchFeatureDriftCritical: DRIFT,
  MLWatchPredictionDrift: DRIFT,
  MLWatchDatasetDrift: { ...BASE, threshold: 'ratio', min_features: 'count' },
  MLWatchDriftComputeFailing: WINDOW_COUNT,
  MLWatchDriftStale: { ...BASE, max_intervals: 'count', slack: 'duration' },
  MLWatchFeatureNullRateHigh: RATIO,
  MLWatchFeatureTypeErrors: RATIO,
  MLWatchFeatureOutOfRange: RATIO,
  MLWatchPredictionNonFinite: RATIO,
  MLWatchInferenceLatencyHigh: { ...BASE, quantile: 'quantile', threshold_seconds: 'positive', rate_window: 'duration', min_count: 'count' },
  MLWatchTrafficStopped: WINDOW_COUNT,
  MLWatchModelStale: { ...WINDOW_COUNT, max_age: 'duration' },
  MLWatchUnexpectedModelVersion: WINDOW_COUNT,
  MLWatchEventsRejected: RATIO,
  MLWatchSegmentFeatureDrift: BASE,
  MLWatchVariantPredictionDivergence: DRIFT,
  MLWatchEstimatedPerformanceDrop: BASE,
  MLWatchRealisedPerformanceBelowReference: WINDOW_COUNT,
  MLWatchEstimateRealisedGap: RATIO,
  MLWatchLabelsStopped: WINDOW_COUNT,
  MLWatchLabelCoverageLow: RATIO,
  MLWatchLabelLagHigh: { ...BASE, quantile: 'quantile', threshold_seconds: 'positive', rate_window: 'duration', min_count: 'count' },
  MLWatchLabelStoreEvicting: WINDOW_COUNT,
  MLWatchLabelStoreErrors: WINDOW_COUNT,
};

export const ALERT_NAMES = Object.keys(ALERT_FIELDS) as AlertName[];

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class ThresholdsError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ThresholdsError';
  }
}

export function loadThresholds(path: string): AlertThresholds {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ThresholdsError(path, [`cannot read the file: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let doc: unknown;
  try {
    doc = load(text, { filename: path });
  } catch (error) {
    throw new ThresholdsError(path, [`not valid YAML: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseThresholds(doc, path);
}

/** Checks a parsed document; throws ThresholdsError listing every problem by its path. */
export function parseThresholds(doc: unknown, source = 'thresholds'): AlertThresholds {
  const problems: string[] = [];
  if (!isRecord(doc)) throw new ThresholdsError(source, ['expected a mapping with job, target_labels, runbook_base_url, gauge_hold and alerts']);
  unknownKeys(doc, ['job', 'target_labels', 'runbook_base_url', 'gauge_hold', 'alerts'], '', problems);
  if (typeof doc.job !== 'string' || doc.job === '') problems.push('job: expected the scrape job name of mlwatch, e.g. "mlwatch"');
  const labels = doc.target_labels;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string' && LABEL_NAME.test(l))) {
    problems.push('target_labels: expected a list of label names, e.g. [job, instance]');
  } else if (!labels.includes('instance')) {
    problems.push('target_labels: must include instance (Alertmanager inhibits model alerts by instance when mlwatch is down)');
  }
  const runbookProblem = runbookBaseUrlProblem(doc.runbook_base_url);
  if (runbookProblem !== null) problems.push(`runbook_base_url: ${runbookProblem}`);
  const holdProblem = fieldProblem('duration', doc.gauge_hold);
  if (holdProblem !== null) problems.push(`gauge_hold: ${holdProblem}, got ${JSON.stringify(doc.gauge_hold) ?? 'nothing'}`);
  checkAlerts(doc.alerts, problems);
  if (holdProblem === null) checkHold(doc.gauge_hold as string, doc.alerts, problems);
  if (problems.length > 0) throw new ThresholdsError(source, problems);
  return doc as unknown as AlertThresholds;
}

function checkAlerts(alerts: unknown, problems: string[]): void {
  if (!isRecord(alerts)) {
    problems.push(`alerts: expected a mapping with every alert: ${ALERT_NAMES.join(', ')}`);
    return;
  }
  unknownKeys(alerts, ALERT_NAMES, 'alerts.', problems);
  for (const name of ALERT_NAMES) {
    const settings = alerts[name];
    if (!isRecord(settings)) {
      problems.push(`alerts.${name}: missing (every alert is set here, fields: ${Object.keys(ALERT_FIELDS[name]).join(', ')})`);
      continue;
    }
    const fields = ALERT_FIELDS[name];
    unknownKeys(settings, Object.keys(fields), `alerts.${name}.`, problems);
    for (const [field, kind] of Object.entries(fields)) {
      const problem = fieldProblem(kind, settings[field]);
      if (problem !== null) problems.push(`alerts.${name}.${field}: ${problem}, got ${JSON.stringify(settings[field]) ?? 'nothing'}`);
    }
  }
}

/**
 * The hold must outlast MLWatchDown's `for:`: until MLWatchDown fires, nothing mutes the
 * model alerts, and a held gauge that lapses first resolves them ("all clear") mid-outage.
 */
function checkHold(hold: string, alerts: unknown, problems: string[]): void {
  const down = isRecord(alerts) && isRecord(alerts.MLWatchDown) ? alerts.MLWatchDown.for : undefined;
  const downSeconds = typeof down === 'string' ? durationSeconds(down) : null;
  if (downSeconds === null) return;
  if ((durationSeconds(hold) ?? 0) <= downSeconds) {
    problems.push(
      `gauge_hold: must be longer than alerts.MLWatchDown.for (${down}) plus a scrape and an evaluation interval, ` +
        `or model alerts resolve during an outage before MLWatchDown mutes them, got ${JSON.stringify(hold)}`,
    );
  }
}

function fieldProblem(kind: FieldKind, value: unknown): string | null {
  switch (kind) {
    case 'severity':
      return value === 'critical' || value === 'warning' ? null : 'expected critical (pages) or warning (tickets)';
    case 'team':
      return value === 'data-science' || value === 'sre' ? null : 'expected data-science (data problems) or sre (serving problems)';
    case 'duration':
      return typeof value === 'string' && durationSeconds(value) !== null ? null : 'expected a Prometheus duration such as 30s, 10m, 1h or 30d';
    case 'method':
      return value === 'psi' || value === 'jensen_shannon'
        ? null
        : 'expected psi or jensen_shannon (exported for numeric and categorical features; higher means more drift)';
    case 'ratio':
      return isNumber(value) && value > 0 && value <= 1 ? null : 'expected a share in (0, 1]';
    case 'quantile':
      return isNumber(value) && value > 0 && value < 1 ? null : 'expected a quantile in (0, 1), e.g. 0.99';
    case 'positive':
      return isNumber(value) && value > 0 ? null : 'expected a positive number';
    case 'count':
      return isNumber(value) && Number.isInteger(value) && value >= 1 ? null : 'expected a whole number of at least 1';
  }
}

/**
 * A copy with every `for:`, every rate window and the gauge hold replaced (end-to-end tests
 * run in seconds). The hold must stay longer than MLWatchDown's `for:` plus a scrape and an
 * evaluation interval; the shipped one (minutes) stays valid when only `for:` is shortened.
 */
export function withTimings(t: AlertThresholds, timings: { for?: string; rate_window?: string; gauge_hold?: string }): AlertThresholds {
  const alerts = {} as Record<string, BaseAlertSettings>;
  for (const name of ALERT_NAMES) {
    const settings: BaseAlertSettings & { rate_window?: string } = { ...t.alerts[name] };
    if (timings.for !== undefined) settings.for = timings.for;
    if (timings.rate_window !== undefined && 'rate_window' in settings) settings.rate_window = timings.rate_window;
    alerts[name] = settings;
  }
  return {
    ...t,
    target_labels: [...t.target_labels],
    gauge_hold: timings.gauge_hold ?? t.gauge_hold,
    alerts: alerts as unknown as AlertSettingsByName,
  };
}

function unknownKeys(doc: Record<string, unknown>, known: readonly string[], at: string, problems: string[]): void {
  for (const key of Object.keys(doc)) {
    if (!known.includes(key)) problems.push(`${at}${key}: unknown key (expected one of ${known.join(', ')})`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

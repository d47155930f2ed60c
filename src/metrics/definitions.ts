// Every metric mlwatch exports: name, type, labels and help. This file is the contract;
// the README's metric table is checked against it by test/metrics/readme.test.ts.
// Label values come only from bounded sets fixed by the config and the reference
// (model, feature, category, class, method, reason, version capped by max_versions, le, lower
// and upper from the reference edges); anything else folds into __other__.

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  labels: readonly string[];
  help: string;
}

function define(name: string, type: MetricType, labels: readonly string[], help: string): MetricDefinition {
  return { name, type, labels, help };
}

const BASE_METRICS = {
  // Traffic and model identity
  predictions: define('mlwatch_predictions_total', 'counter', ['model', 'version'],
    'Prediction events accepted, by the model_version they carried (the configured version when absent; versions beyond max_versions fold into __other__).'),
  modelInfo: define('mlwatch_model_info', 'gauge', ['model', 'version'],
    'Always 1; the model version the config expects to be serving.'),
  modelDeployTimestamp: define('mlwatch_model_deploy_timestamp_seconds', 'gauge', ['model'],
    'Deploy time of the expected model version (deployed_at in the config), Unix seconds.'),
  inferenceLatency: define('mlwatch_inference_latency_seconds', 'histogram', ['model'],
    'Inference latency reported by the model server in latency_ms, in seconds.'),
  inferenceLatencyNonFinite: define('mlwatch_inference_latency_nonfinite_total', 'counter', ['model'],
    'Events whose latency_ms was NaN or Infinity (a bare token, or a number too large for a double such as 1e999); the event is kept, the latency histogram is not touched.'),
  modelVersionInvalid: define('mlwatch_model_version_invalid_total', 'counter', ['model'],
    'Events whose model_version cannot be a label value (empty, longer than metrics.max_label_value_bytes, control characters or invalid Unicode); they count under version __other__.'),
  eventsRejected: define('mlwatch_events_rejected_total', 'counter', ['model', 'reason'],
    'Events (or whole requests, for body-level reasons) rejected at ingest; model is __other__ when unknown.'),
  eventsOutsideWindow: define('mlwatch_events_outside_window_total', 'counter', ['model', 'reason'],
    'Models with drift.window_time event: accepted events left out of the drift window, by reason: late (older than the window), early (ahead of the clock by more than drift.future_tolerance_seconds) or no_timestamp (absent or unreadable); every other counter has them.'),
  unknownFields: define('mlwatch_unknown_fields_total', 'counter', ['model'],
    'Feature fields in events that the config does not declare (names are never labels).'),

  // Data quality, per feature
  featureValues: define('mlwatch_feature_values_total', 'counter', ['model', 'feature'],
    'Feature values of the right type received (in or out of range).'),
  featureMissing: define('mlwatch_feature_missing_total', 'counter', ['model', 'feature'],
    'Events where the feature was null or absent.'),
  featureTypeErrors: define('mlwatch_feature_type_errors_total', 'counter', ['model', 'feature'],
    'Feature values of the wrong JSON type (no coercion: a string where a number belongs is an error).'),
  featureOutOfRange: define('mlwatch_feature_out_of_range_total', 'counter', ['model', 'feature'],
    'Numeric values outside the configured (else reference) range; categories not allowed by the config (else absent from the reference).'),
  featureNonFinite: define('mlwatch_feature_nonfinite_total', 'counter', ['model', 'feature'],
    'NaN or Infinity feature values (bare NaN/Infinity tokens as Python writes them, or numbers too large for a double such as 1e999).'),
  featureNullable: define('mlwatch_feature_nullable', 'gauge', ['model', 'feature'],
    '1 when the config declares the feature nullable (nulls are expected), else 0.'),
  featureReferenceMissingRatio: define('mlwatch_feature_reference_missing_ratio', 'gauge', ['model', 'feature'],
    'Share of reference rows where the feature was null or absent: the null rate to expect.'),

  // Distributions (cumulative since start) and the reference to compare them with
  featureValue: define('mlwatch_feature_value', 'histogram', ['model', 'feature'],
    'Numeric feature values; the buckets are the reference bin edges.'),
  featureCategory: define('mlwatch_feature_category_total', 'counter', ['model', 'feature', 'category'],
    'Categorical and boolean feature values by category; categories outside the reference fold into __other__.'),
  featureReferenceBinRatio: define('mlwatch_feature_reference_bin_ratio', 'gauge', ['model', 'feature', 'lower', 'upper'],
    'Share of reference values in the bin (lower, upper]; not cumulative. upper is the le of the matching mlwatch_feature_value bucket, lower the le of the bucket before it (-Inf for the first).'),
  featureReferenceCategoryRatio: define('mlwatch_feature_reference_category_ratio', 'gauge', ['model', 'feature', 'category'],
    'Share of reference values in each category (with __other__).'),

  // Prediction quality and distribution
  predictionValues: define('mlwatch_prediction_values_total', 'counter', ['model'],
    'Predictions of the right type received.'),
  predictionMissing: define('mlwatch_prediction_missing_total', 'counter', ['model'],
    'Events without a usable prediction (null or absent).'),
  predictionTypeErrors: define('mlwatch_prediction_type_errors_total', 'counter', ['model'],
    'Predictions of the wrong type (e.g. a string score, a label that is not a string).'),
  predictionOutOfRange: define('mlwatch_prediction_out_of_range_total', 'counter', ['model'],
    'Numeric predictions outside the configured (else reference) range; class labels not among the configured classes.'),
  predictionNonFinite: define('mlwatch_prediction_nonfinite_total', 'counter', ['model'],
    'NaN or Infinity predictions (bare tokens, or numbers too large for a double).'),
  predictionValue: define('mlwatch_prediction_value', 'histogram', ['model'],
    'Numeric predictions (regression value, positive-class score); the buckets are the reference bin edges.'),
  predictedClass: define('mlwatch_predicted_class_total', 'counter', ['model', 'class'],
    'Predicted classes (the label, else the score against decision_threshold, else the argmax of scores).'),
  predictionReferenceBinRatio: define('mlwatch_prediction_reference_bin_ratio', 'gauge', ['model', 'lower', 'upper'],
    'Share of reference predictions in the bin (lower, upper]; not cumulative; the bounds match mlwatch_prediction_value bucket le values.'),
  predictionReferenceClassRatio: define('mlwatch_prediction_reference_class_ratio', 'gauge', ['model', 'class'],
    'Share of reference predictions in each class (with __other__).'),

  // Drift over the sliding window
  featureDrift: define('mlwatch_feature_drift', 'gauge', ['model', 'feature', 'method'],
    'Drift of the feature\'s window against the reference, one series per method; absent until the window holds min_samples values.'),
  featureDriftWindowSamples: define('mlwatch_feature_drift_window_samples', 'gauge', ['model', 'feature'],
    'Values of the feature in the current drift window.'),
  featureDriftNoise: define('mlwatch_feature_drift_noise', 'gauge', ['model', 'feature', 'method'],
    'Noise level of the feature\'s drift score at the window\'s size: stationary windows of this many values stay below it (above it, for chi2_pvalue) with probability noise_quantile, per the reference; absent below min_samples and for a reference without noise levels.'),
  featureDrifted: define('mlwatch_feature_drifted', 'gauge', ['model', 'feature'],
    '1 when the feature\'s decision-method score is at or beyond both its threshold and its noise level, else 0; absent below min_samples.'),
  predictionDrift: define('mlwatch_prediction_drift', 'gauge', ['model', 'method'],
    'Drift of the prediction\'s window against the reference, one series per method; absent below min_samples.'),
  predictionDriftWindowSamples: define('mlwatch_prediction_drift_window_samples', 'gauge', ['model'],
    'Predictions in the current drift window.'),
  predictionDriftNoise: define('mlwatch_prediction_drift_noise', 'gauge', ['model', 'method'],
    'Noise level of the prediction\'s drift score at the window\'s size (as mlwatch_feature_drift_noise); absent below min_samples and for a reference without noise levels.'),
  predictionDrifted: define('mlwatch_prediction_drifted', 'gauge', ['model'],
    '1 when the prediction\'s decision-method score is at or beyond both its threshold and its noise level, else 0; absent below min_samples.'),
  driftedFeaturesRatio: define('mlwatch_drifted_features_ratio', 'gauge', ['model'],
    'Share of features (with enough window samples) that are drifted (mlwatch_feature_drifted).'),
  driftThreshold: define('mlwatch_drift_threshold', 'gauge', ['model', 'method'],
    'The configured drift threshold per method (for chi2_pvalue, drift is a value BELOW it).'),
  driftWindowSeconds: define('mlwatch_drift_window_seconds', 'gauge', ['model'],
    'Length of the sliding drift window.'),
  driftMinSamples: define('mlwatch_drift_min_samples', 'gauge', ['model'],
    'Window values needed before drift is exported.'),
  driftLastComputed: define('mlwatch_drift_last_computed_timestamp_seconds', 'gauge', ['model'],
    'When drift scores were last computed, Unix seconds.'),
  driftComputeDuration: define('mlwatch_drift_compute_duration_seconds', 'gauge', ['model'],
    'How long the last drift computation took.'),
  driftComputeInterval: define('mlwatch_drift_compute_interval_seconds', 'gauge', ['model'],
    'How often drift scores are recomputed (compute_interval_seconds): scores older than a few intervals are stale.'),
  driftComputeFailures: define('mlwatch_drift_compute_failures_total', 'counter', ['model'],
    'Drift computations that failed; the scores of the last complete computation stay exported and its timestamp stops advancing.'),
  referenceRows: define('mlwatch_reference_rows', 'gauge', ['model'],
    'Rows of training data the loaded reference was built from.'),
  referenceCreated: define('mlwatch_reference_created_timestamp_seconds', 'gauge', ['model'],
    'When the loaded reference was built, Unix seconds.'),

  // Performance at training: the reference's labelled rows (reference_build.label_column)
  referencePerformance: define('mlwatch_reference_performance', 'gauge', ['model', 'metric'],
    'The model\'s metric on the reference\'s labelled rows (accuracy, precision, recall, f1, roc_auc; multiclass accuracy and macro precision, recall, f1; regression mae, rmse, r2); absent without label_column or where undefined.'),
  referencePerformanceLower: define('mlwatch_reference_performance_lower', 'gauge', ['model', 'metric'],
    '5% quantile of the metric over random reference chunks of mlwatch_reference_performance_chunk_rows labelled rows.'),
  referencePerformanceUpper: define('mlwatch_reference_performance_upper', 'gauge', ['model', 'metric'],
    '95% quantile of the metric over the same reference chunks.'),
  referencePerformanceStd: define('mlwatch_reference_performance_std', 'gauge', ['model', 'metric'],
    'Standard deviation (ddof 1) of the metric over the same reference chunks; at n rows the standard error is about std × sqrt(chunk_rows / n).'),
  referencePerformanceChunkRows: define('mlwatch_reference_performance_chunk_rows', 'gauge', ['model'],
    'Mean labelled rows of the reference chunks the spread was measured on (about reference_build.performance_chunk_rows).'),
  // Performance without labels: confidence-based estimation (CBPE) from calibrated scores
  estimatedConfusion: define('mlwatch_estimated_confusion_total', 'counter', ['model', 'class', 'outcome'],
    'Classifiers with a calibrated reference: expected confusion counts (outcome tp, fp, fn, tn) from each scored prediction\'s calibrated probability p of the class: a prediction of the class adds p to tp and 1 − p to fp, any other p to fn and 1 − p to tn. Binary: class = the positive class; multiclass: every class, one-vs-rest (normalised p). Summable across replicas.'),
  estimatedRegressionPredictions: define('mlwatch_estimated_regression_predictions_total', 'counter', ['model'],
    'Regressions with an error map in the reference: predictions with a value whose expected error was added (the label-free MAE\'s n).'),
  estimatedAbsError: define('mlwatch_estimated_abs_error_total', 'counter', ['model'],
    'Σ over those predictions of the reference\'s mean |prediction − label| at the prediction\'s fine bin (estimated MAE = this / mlwatch_estimated_regression_predictions_total). Summable across replicas.'),
  estimatedSquaredError: define('mlwatch_estimated_squared_error_total', 'counter', ['model'],
    'Σ over those predictions of the reference\'s mean (prediction − label)² at the prediction\'s fine bin (estimated RMSE = √(this / mlwatch_estimated_regression_predictions_total)).'),
  estimatedPerformance: define('mlwatch_estimated_performance', 'gauge', ['model', 'metric'],
    'Estimated accuracy, precision, recall, f1 (from the window\'s expected counts; multiclass: accuracy and macro means over the classes) and roc_auc (binary, from its expected positives per score bin), or mae and rmse (regression, from the reference\'s expected error per prediction bin), over the drift window, before any label; absent below min_samples or where undefined.'),
  estimatedPerformanceLower: define('mlwatch_estimated_performance_lower', 'gauge', ['model', 'metric'],
    'The estimate minus 3 standard errors, SE = mlwatch_reference_performance_std × sqrt(chunk_rows / n) at the window\'s n predictions; absent without the reference\'s spread.'),
  estimatedPerformanceUpper: define('mlwatch_estimated_performance_upper', 'gauge', ['model', 'metric'],
    'The estimate plus 3 standard errors (as mlwatch_estimated_performance_lower).'),
  estimatedPerformanceSamples: define('mlwatch_estimated_performance_window_samples', 'gauge', ['model'],
    'Scored predictions in the drift window that the estimate is over (its n).'),
  calibrationInUse: define('mlwatch_calibration_in_use', 'gauge', ['model'],
    'Binary classifiers: 1 when the reference\'s isotonic calibration lowered the held-out expected calibration error and calibrated scores are used, 0 when the raw score is (or the reference has no calibration: built without label_column, or before it existed).'),
  calibrationError: define('mlwatch_calibration_error', 'gauge', ['model', 'method'],
    'Expected calibration error of the score on held-out reference folds (10 equal-width bins), method raw or isotonic; absent without a calibration in the reference.'),
  classCalibrationInUse: define('mlwatch_class_calibration_in_use', 'gauge', ['model', 'class'],
    'Multiclass classifiers with score_columns: 1 when the class\'s one-vs-rest isotonic calibration lowered its held-out expected calibration error and is used, 0 when its raw score is; absent without a per-class calibration in the reference.'),
  classCalibrationError: define('mlwatch_class_calibration_error', 'gauge', ['model', 'class', 'method'],
    'Expected calibration error of the class\'s score (one-vs-rest) on held-out reference folds, method raw or isotonic; absent without a per-class calibration in the reference.'),

  // Model-server integrations: KServe's inference logger and Open Inference Protocol pairs
  kserveCloudEvents: define('mlwatch_kserve_cloudevents_total', 'counter', ['model', 'type'],
    'CloudEvents received from KServe\'s inference logger, by type (request, response); model is __other__ when no model maps to the InferenceService.'),
  kserveUnpaired: define('mlwatch_kserve_unpaired_total', 'counter', ['model', 'type', 'reason'],
    'Logger requests or responses let go without their other half: reason ttl (kserve.pairing_ttl_seconds passed), capacity (kserve.max_pending or max_pending_bytes reached) or duplicate_id; an unpaired request is still recorded, without a prediction.'),
  kservePending: define('mlwatch_kserve_pending', 'gauge', ['model'],
    'Logger requests and responses waiting for their other half.'),
  kservePendingBytes: define('mlwatch_kserve_pending_bytes', 'gauge', [],
    'Body bytes of the logger requests and responses waiting for their other half, all models (bounded by kserve.max_pending_bytes).'),
  inferencePayloadsRejected: define('mlwatch_inference_payloads_rejected_total', 'counter', ['model', 'reason'],
    'Model-server payloads (KServe logger CloudEvents, Open Inference Protocol pairs) that could not be read as events, by reason; model is __other__ when unknown.'),

  // Ground-truth labels, joined to predictions by id
  predictionsWithId: define('mlwatch_predictions_with_id_total', 'counter', ['model'],
    'Accepted predictions that carried an id, so a label can be joined to them (coverage = joined / this).'),
  labelsReceived: define('mlwatch_labels_received_total', 'counter', ['model'],
    'Label items received at the labels endpoint, valid or not (a line that did not parse counts too).'),
  labelsJoined: define('mlwatch_labels_joined_total', 'counter', ['model'],
    'Labels joined to the prediction with the same id.'),
  labelsUnmatched: define('mlwatch_labels_unmatched_total', 'counter', ['model', 'reason'],
    'Labels not joined, by reason: invalid (bad id, label type or class), duplicate (the id already has a label), expired (its prediction is older than label_ttl_seconds), unknown_id (no prediction with the id came within label_ttl_seconds), evicted (pushed out by max_pending_labels while waiting for its prediction).'),
  labelLag: define('mlwatch_label_lag_seconds', 'histogram', ['model'],
    'Time from a prediction to its label (the label\'s timestamp, else its arrival); 0 when the label came first.'),
  labelStorePending: define('mlwatch_label_store_pending', 'gauge', ['model', 'kind'],
    'Records waiting in the label join store: kind prediction (waiting for its label) or label (waiting for its prediction).'),
  labelStoreEvictions: define('mlwatch_label_store_evictions_total', 'counter', ['model', 'kind'],
    'Waiting predictions or labels (kind) pushed out of the join store by max_pending_labels, oldest first; an evicted prediction can no longer be joined.'),
  labelStoreBytes: define('mlwatch_label_store_bytes', 'gauge', ['model'],
    'Bytes the sidecar holds for the label join: the in-process store\'s arrays (fixed by max_pending_labels; 0 before the first id or label), or with label_store redis the outbox of predictions waiting to be written (the records themselves are in Redis).'),
  labelStoreErrors: define('mlwatch_label_store_errors_total', 'counter', ['model', 'operation'],
    'Failures of the Redis label store (label_store: redis), by operation: write (a prediction record not written: Redis failed it, or it was dropped from the full outbox), join (a label Redis did not answer; it was refused), sweep (a TTL sweep that failed).'),

  // Realised performance from joined labels (counters: any range, any set of replicas in PromQL)
  confusion: define('mlwatch_confusion_total', 'counter', ['model', 'actual', 'predicted'],
    'Joined labels of a classifier by actual class (the label) and predicted class (the prediction\'s, __other__ when outside the classes).'),
  labelScoreBin: define('mlwatch_label_score_bin_total', 'counter', ['model', 'lower', 'upper', 'actual', 'positive'],
    'Joined labels of a scored binary model by the score\'s bin (lower, upper] (the bounds of mlwatch_prediction_value buckets) and actual class; positive is "true" for the positive class (the second of classes), "false" for the other: ROC AUC follows from them.'),
  labelScoreNegativesBelow: define('mlwatch_label_score_negatives_below_total', 'counter', ['model', 'lower', 'upper'],
    'Joined labels of a scored binary model\'s negative class whose score fell in a bin below (lower, upper] (the running sum of mlwatch_label_score_bin_total{positive="false"} over the lower bins), so ROC AUC over any range is a PromQL join on the bin.'),
  regressionLabels: define('mlwatch_regression_labels_total', 'counter', ['model'],
    'Joined labels of a regression model whose prediction had a value.'),
  regressionAbsError: define('mlwatch_regression_abs_error_total', 'counter', ['model'],
    'Σ |prediction − label| over joined regression labels (MAE = this / mlwatch_regression_labels_total).'),
  regressionSquaredError: define('mlwatch_regression_squared_error_total', 'counter', ['model'],
    'Σ (prediction − label)² over joined regression labels (RMSE = √(this / mlwatch_regression_labels_total)).'),
  regressionLabelMagnitude: define('mlwatch_regression_label_magnitude_total', 'counter', ['model', 'sign'],
    'Σ |label| over joined regression labels of that sign (positive, negative): Σ label = positive − negative, kept as two counters that never decrease.'),
  regressionLabelSquared: define('mlwatch_regression_label_squared_total', 'counter', ['model'],
    'Σ label² over joined regression labels (with Σ label and the count: the labels\' variance, for R²).'),
  performance: define('mlwatch_performance', 'gauge', ['model', 'metric'],
    'Realised performance over the joined labels of the drift window (window_seconds): accuracy, precision, recall, f1 (the positive class of a binary model, macro over classes for multiclass), roc_auc (scored binary, on the score bins), mae, rmse, r2 (regression); absent while undefined (e.g. no labels).'),

  // mlwatch itself
  scrapeCollectorSuccess: define('mlwatch_scrape_collector_success', 'gauge', ['collector'],
    '1 when the collector succeeded during this scrape, 0 when it failed (its metrics are then absent).'),
  scrapeCollectorDuration: define('mlwatch_scrape_collector_duration_seconds', 'gauge', ['collector'],
    'How long the collector took during this scrape.'),
  eventLoopDelay: define('mlwatch_event_loop_delay_seconds', 'histogram', [],
    'Largest event-loop delay of each second (perf_hooks monitorEventLoopDelay, 10 ms resolution): one observation per second.'),
  eventLoopDelayMax: define('mlwatch_event_loop_delay_max_seconds', 'gauge', [],
    'Largest event-loop delay during the last whole second (the last observation of mlwatch_event_loop_delay_seconds).'),
  stateCells: define('mlwatch_state_cells', 'gauge', ['model'],
    'Cells of the model\'s state: one per variant (one without variants) plus one per segment value.'),
  stateBytes: define('mlwatch_state_bytes', 'gauge', ['model'],
    'Bytes of the model\'s counters, bins and drift windows over all its cells.'),

  // Checkpoints of the state (state_dir); absent when state_dir is not set
  checkpointAge: define('mlwatch_checkpoint_age_seconds', 'gauge', [],
    'Seconds since the newest checkpoint on disk was taken (written, or restored from at start); absent before the first.'),
  checkpointLastSuccess: define('mlwatch_checkpoint_last_success_timestamp_seconds', 'gauge', [],
    'When the newest checkpoint on disk was taken, Unix seconds; absent before the first.'),
  checkpointWriteDuration: define('mlwatch_checkpoint_last_write_duration_seconds', 'gauge', [],
    'How long the last successful checkpoint write took, fsyncs and rename included.'),
  checkpointWriteBytes: define('mlwatch_checkpoint_last_write_bytes', 'gauge', [],
    'Size of the last checkpoint written.'),
  checkpointWriteLongestStep: define('mlwatch_checkpoint_last_write_longest_step_seconds', 'gauge', [],
    'Longest the last checkpoint write held the event loop in one step (one model\'s copy and checksum).'),
  checkpointWrites: define('mlwatch_checkpoint_writes_total', 'counter', [],
    'Checkpoints written.'),
  checkpointWriteFailures: define('mlwatch_checkpoint_write_failures_total', 'counter', ['reason'],
    'Checkpoint writes that failed, by reason: no_space (ENOSPC, EDQUOT), read_only (EROFS), permission (EACCES, EPERM), other; serving continues.'),
  checkpointSetAside: define('mlwatch_checkpoint_set_aside_total', 'counter', ['reason'],
    'Checkpoints renamed aside at start instead of restored, by reason: corrupt (checksum, truncation, framing) or foreign (parts from another config or reference).'),
  checkpointRestored: define('mlwatch_checkpoint_restored', 'gauge', ['model'],
    '1 when the model\'s state was restored from the checkpoint at start, 0 when it started empty.'),

  // Reloads of the config and references (SIGHUP, POST /-/reload), as Prometheus exports its own
  configLastReloadSuccessful: define('mlwatch_config_last_reload_successful', 'gauge', [],
    '1 when the last reload (or the start) loaded the config and every reference; 0 when it was refused and the previous config keeps serving.'),
  configLastReloadSuccess: define('mlwatch_config_last_reload_success_timestamp_seconds', 'gauge', [],
    'When the config and references in use were loaded (the start or the last successful reload), Unix seconds.'),
  referenceInfo: define('mlwatch_reference_info', 'gauge', ['model', 'checksum'],
    'Always 1; the first 12 hex characters of the checksum of the reference the model is measured against (a new value marks a reference change).'),
  referenceLoaded: define('mlwatch_reference_loaded_timestamp_seconds', 'gauge', ['model'],
    'When the model\'s current reference (or its config) took effect, Unix seconds: the start, or the reload that changed it; its drift window started fresh then.'),
} as const satisfies Record<string, MetricDefinition>;

type BaseKey = keyof typeof BASE_METRICS;

/**
 * A slice of a model's traffic: a variant (champion, canary …), or one value of a segment
 * feature. A sliced metric is the base metric with the slice's labels after `model` and the
 * name prefixed (mlwatch_variant_…, mlwatch_segment_…), so the unsliced series keep their
 * names and sums over them never count an event twice.
 */
export type SliceKind = 'variant' | 'segment';
export const SLICE_LABELS: Record<SliceKind, readonly string[]> = { variant: ['variant'], segment: ['segment', 'segment_value'] };
const SLICE_WORDS: Record<SliceKind, string> = { variant: 'Per variant.', segment: 'Per value of a segment feature (segment = the feature).' };

function sliced(kind: SliceKind, base: MetricDefinition, dropLabels: readonly string[] = []): MetricDefinition {
  const [model, ...rest] = base.labels;
  return {
    name: base.name.replace(/^mlwatch_/, `mlwatch_${kind}_`),
    type: base.type,
    labels: [model, ...SLICE_LABELS[kind], ...rest.filter((l) => !dropLabels.includes(l))],
    help: `${SLICE_WORDS[kind]} ${base.help}`,
  };
}

/** Realised performance, per cell: every slice exports it. */
export const PERFORMANCE_KEYS = [
  'confusion', 'labelScoreBin', 'labelScoreNegativesBelow', 'regressionLabels', 'regressionAbsError', 'regressionSquaredError', 'regressionLabelMagnitude', 'regressionLabelSquared', 'performance',
] as const satisfies readonly BaseKey[];

/** What each slice exports: quality, the prediction's distribution and drift for both; variants add traffic and latency, segments the feature distributions. */
export const VARIANT_METRIC_KEYS = [
  'predictions', 'inferenceLatency',
  'featureValues', 'featureMissing', 'featureTypeErrors', 'featureOutOfRange', 'featureNonFinite',
  'predictionValues', 'predictionMissing', 'predictionTypeErrors', 'predictionOutOfRange', 'predictionNonFinite',
  'predictionValue', 'predictedClass',
  'featureDrift', 'featureDriftWindowSamples', 'featureDriftNoise', 'featureDrifted',
  'predictionDrift', 'predictionDriftWindowSamples', 'predictionDriftNoise', 'predictionDrifted', 'driftedFeaturesRatio',
  'estimatedConfusion', 'estimatedRegressionPredictions', 'estimatedAbsError', 'estimatedSquaredError',
  ...PERFORMANCE_KEYS,
] as const satisfies readonly BaseKey[];
export const SEGMENT_METRIC_KEYS = [
  'predictions',
  'featureValues', 'featureMissing', 'featureTypeErrors', 'featureOutOfRange', 'featureNonFinite',
  'predictionValues', 'predictionMissing', 'predictionTypeErrors', 'predictionOutOfRange', 'predictionNonFinite',
  'featureValue', 'featureCategory', 'predictionValue', 'predictedClass',
  'featureDrift', 'featureDriftWindowSamples', 'featureDriftNoise', 'featureDrifted',
  'predictionDrift', 'predictionDriftWindowSamples', 'predictionDriftNoise', 'predictionDrifted', 'driftedFeaturesRatio',
  'estimatedConfusion', 'estimatedRegressionPredictions', 'estimatedAbsError', 'estimatedSquaredError',
  ...PERFORMANCE_KEYS,
] as const satisfies readonly BaseKey[];

type VariantKey = (typeof VARIANT_METRIC_KEYS)[number];
type SegmentKey = (typeof SEGMENT_METRIC_KEYS)[number];

function slicedAll<K extends BaseKey>(kind: SliceKind, keys: readonly K[], drop: readonly string[] = []): Record<K, MetricDefinition> {
  const out = {} as Record<K, MetricDefinition>;
  for (const key of keys) out[key] = sliced(kind, BASE_METRICS[key], drop);
  return out;
}

/** Sliced definitions by base key: VARIANT_METRICS.featureDrift is mlwatch_variant_feature_drift. */
export const VARIANT_METRICS: Record<VariantKey, MetricDefinition> = slicedAll('variant', VARIANT_METRIC_KEYS);
// A segment's events are counted without their version: versions are the variants' business.
export const SEGMENT_METRICS: Record<SegmentKey, MetricDefinition> = slicedAll('segment', SEGMENT_METRIC_KEYS, ['version']);

/** Metrics of slices that have no unsliced twin. */
const SLICE_ONLY_METRICS = {
  segmentReferenceFallback: define('mlwatch_segment_reference_fallback', 'gauge', ['model', 'segment', 'segment_value'],
    '1 when the segment value had too few training rows (reference_build.min_segment_rows) and its drift is measured against the whole reference, else 0.'),
  segmentReferenceRows: define('mlwatch_segment_reference_rows', 'gauge', ['model', 'segment', 'segment_value'],
    'Training rows of the segment value in the reference.'),
  variantPredictionDivergence: define('mlwatch_variant_prediction_divergence', 'gauge', ['model', 'variant', 'method'],
    'Drift of the variant\'s prediction window against the default variant\'s window over the same time (psi, jensen_shannon, and ks for numeric predictions); absent until both hold min_samples.'),
  variantPairedPredictions: define('mlwatch_variant_paired_predictions_total', 'counter', ['model', 'variant'],
    'Predictions of the variant paired, by event id, with the default variant\'s prediction of the same request.'),
  variantAgreeingPredictions: define('mlwatch_variant_agreeing_predictions_total', 'counter', ['model', 'variant'],
    'Paired predictions whose class equals the default variant\'s (classification).'),
  variantScoredPairs: define('mlwatch_variant_scored_pairs_total', 'counter', ['model', 'variant'],
    'Paired predictions where both have a numeric score (or value).'),
  variantScoreDifference: define('mlwatch_variant_score_difference_total', 'counter', ['model', 'variant'],
    'Sum over scored pairs of |score − the default variant\'s score|; divided by mlwatch_variant_scored_pairs_total: the mean difference.'),
  variantUnpairedPredictions: define('mlwatch_variant_unpaired_predictions_total', 'counter', ['model', 'reason'],
    'Predictions with an id that found no pair: expired (pairing_ttl_seconds passed) or evicted (max_pending_pairs reached).'),
} as const satisfies Record<string, MetricDefinition>;

function prefixed<P extends string, K extends string>(prefix: P, defs: Record<K, MetricDefinition>): Record<`${P}${Capitalize<K>}`, MetricDefinition> {
  const out: Record<string, MetricDefinition> = {};
  for (const key of Object.keys(defs) as K[]) out[`${prefix}${key[0].toUpperCase()}${key.slice(1)}`] = defs[key];
  return out as Record<`${P}${Capitalize<K>}`, MetricDefinition>;
}

/** Every metric, the unsliced ones first (the README's tables follow this order). */
export const METRICS = {
  ...BASE_METRICS,
  ...prefixed('variant', VARIANT_METRICS),
  ...prefixed('segment', SEGMENT_METRICS),
  ...SLICE_ONLY_METRICS,
};

export type MetricKey = keyof typeof METRICS;

/** Prefix of the Node.js process metrics from prom-client's collectDefaultMetrics. */
export const PROCESS_METRICS_PREFIX = 'mlwatch_';

// Built-in defaults: the value of every key a config file may leave out.
// The `defaults:` section of a file overrides these; each model overrides that.
import type {
  DriftConfig,
  IngestConfig,
  KservePairingConfig,
  ModelKserveConfig,
  LoggingConfig,
  MetricsConfig,
  PredictionConfig,
  ReferenceBuildConfig,
} from './types.js';

export const DEFAULT_INGEST_LISTEN = '127.0.0.1:9801';
export const DEFAULT_METRICS_LISTEN = '0.0.0.0:9802';

export const DEFAULT_INGEST: Omit<IngestConfig, 'listen' | 'auth_token_env' | 'auth_token_file'> = {
  max_body_bytes: 10 * 1024 * 1024,
  max_batch_events: 10_000,
  max_reported_errors: 10,
  max_json_depth: 64,
  max_object_keys: 10_000,
  max_event_values: 100_000,
  max_buffered_bytes: 32 * 1024 * 1024,
  max_connections: 1024,
  headers_timeout_seconds: 10,
  request_timeout_seconds: 30,
};

export const DEFAULT_METRICS: Omit<MetricsConfig, 'listen'> = {
  latency_buckets_seconds: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  max_label_value_bytes: 128,
  // One 15 s scrape interval (a common setting) after a drain of at most 10 s: within
  // Kubernetes' default terminationGracePeriodSeconds of 30.
  shutdown_grace_seconds: 15,
};

/** Seconds between checkpoints when state_dir is set: at most a minute of counts lost to a kill -9. */
export const DEFAULT_CHECKPOINT_INTERVAL_SECONDS = 60;

/** drift.future_tolerance_seconds: how far ahead an event's timestamp may be (window_time event). */
export const DEFAULT_FUTURE_TOLERANCE_SECONDS = 5;

export const DEFAULT_LOGGING: LoggingConfig = {
  level: 'info',
  log_feature_values: false,
};

export const DEFAULT_DRIFT: DriftConfig = {
  window_seconds: 600,
  sub_windows: 10,
  min_samples: 100,
  compute_interval_seconds: 10,
  // Jensen-Shannon for both kinds: at 1,000 values it catches a variance x2 (PSI 0.145 < 0.2 does
  // not), a 0.5σ shift and a share shift of 0.2 in >= 99% of windows (test/monitor/detection-power.test.ts).
  decision_method: { numeric: 'jensen_shannon', categorical: 'jensen_shannon' },
  thresholds: {
    psi: 0.2,
    jensen_shannon: 0.1,
    wasserstein_normalized: 0.1,
    ks: 0.1,
    chi2_pvalue: 0.01,
    chebyshev: 0.1,
  },
  noise_quantile: 0.999,
};

/**
 * pandas' default na_values (pandas.read_csv, 2.x) but the empty cell, which is always
 * missing: training data is most often written by pandas or R ("NA"), and its null rate is
 * what the null-rate alert compares live traffic with.
 */
export const DEFAULT_NA_VALUES: readonly string[] = [
  'NA', 'N/A', 'n/a', '<NA>', '#N/A', '#N/A N/A', '#NA', 'NULL', 'null', 'None',
  'NaN', '-NaN', 'nan', '-nan', '1.#IND', '-1.#IND', '1.#QNAN', '-1.#QNAN',
];

export const DEFAULT_REFERENCE_BUILD: ReferenceBuildConfig = {
  bins: 10,
  top_categories: 50,
  prediction_column: 'prediction',
  min_segment_rows: 200,
  na_values: [...DEFAULT_NA_VALUES],
};

/** reference_build.performance_chunk_rows when not set. */
export const DEFAULT_PERFORMANCE_CHUNK_ROWS = 1000;

export const DEFAULT_PREDICTION: Omit<PredictionConfig, 'range'> = {
  decision_threshold: 0.5,
};

export const DEFAULT_MAX_VERSIONS = 5;

export const DEFAULT_VARIANT_PAIRING = { pairing_ttl_seconds: 60, max_pending_pairs: 100_000 };

/** The label join stays in the process unless label_store says redis. */
export const DEFAULT_LABEL_STORE = { backend: 'memory', key_prefix: 'mlwatch:' } as const;

/** Ground truth often takes hours (a chargeback: days); 100k pending predictions hold ~4 MB (src/monitor/labels/join-store.ts). */
export const DEFAULT_LABEL_JOIN = { label_ttl_seconds: 86_400, max_pending_labels: 100_000 };

/** Cells per model: a cell of the benchmark's 50-feature model is ~0.6 MB, so 64 cells bound it near 40 MB. */
export const DEFAULT_MAX_CELLS = 64;
/** KServe's logger sends the response right after the model answers: 30 s covers a slow model and a backed-up logger queue. */
export const DEFAULT_KSERVE_PAIRING: KservePairingConfig = {
  pairing_ttl_seconds: 30,
  max_pending: 10_000,
  max_pending_bytes: 64 * 1024 * 1024,
};

export const DEFAULT_MODEL_KSERVE: Omit<ModelKserveConfig, 'inference_service' | 'columns' | 'output'> = {
  logger_mode: 'all',
  prediction: 'auto',
};

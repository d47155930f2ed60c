// Built-in defaults: the value of every key a config file may leave out.
// The `defaults:` section of a file overrides these; each model overrides that.
import type {
  DriftConfig,
  IngestConfig,
  LoggingConfig,
  MetricsConfig,
  PredictionConfig,
  ReferenceBuildConfig,
} from './types.js';

export const DEFAULT_INGEST_LISTEN = '127.0.0.1:9801';
export const DEFAULT_METRICS_LISTEN = '0.0.0.0:9802';

export const DEFAULT_INGEST: Omit<IngestConfig, 'listen' | 'auth_token_env'> = {
  max_body_bytes: 10 * 1024 * 1024,
  max_batch_events: 10_000,
  max_reported_errors: 10,
};

export const DEFAULT_METRICS: Omit<MetricsConfig, 'listen'> = {
  latency_buckets_seconds: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
};

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

export const DEFAULT_REFERENCE_BUILD: ReferenceBuildConfig = {
  bins: 10,
  top_categories: 50,
  prediction_column: 'prediction',
};

export const DEFAULT_PREDICTION: Omit<PredictionConfig, 'range'> = {
  decision_threshold: 0.5,
};

export const DEFAULT_MAX_VERSIONS = 5;

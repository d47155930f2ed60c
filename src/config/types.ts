// The validated, defaults-filled configuration that the rest of mlwatch reads.
// The YAML file's shape is in schema.ts; loader.ts turns one into the other.

export type FeatureType = 'numeric' | 'categorical' | 'boolean';
export type Task = 'regression' | 'binary_classification' | 'multiclass_classification';

/** Drift methods for numeric features and numeric predictions. */
export type NumericDriftMethod = 'psi' | 'jensen_shannon' | 'wasserstein_normalized' | 'ks';
/** Drift methods for categorical/boolean features and predicted classes. */
export type CategoricalDriftMethod = 'psi' | 'jensen_shannon' | 'chi2_pvalue' | 'chebyshev';
export type DriftMethod = NumericDriftMethod | CategoricalDriftMethod;

export interface FeatureConfig {
  name: string;
  type: FeatureType;
  /** Numeric only: values outside [min, max] count as out of range. Absent: the reference min/max. */
  range?: [number, number];
  /** Categorical only: the allowed categories. Absent: the reference's categories. */
  categories?: string[];
  /** Missing values are expected (still counted); alerts may use it. */
  nullable: boolean;
}

export interface DriftThresholds {
  psi: number;
  jensen_shannon: number;
  wasserstein_normalized: number;
  ks: number;
  /** A feature drifts when the p-value is BELOW this. */
  chi2_pvalue: number;
  chebyshev: number;
}

export interface DriftConfig {
  /** Length of the sliding window, seconds. */
  window_seconds: number;
  /** Number of rotating sub-windows the window is made of. */
  sub_windows: number;
  /** Drift is exported for a feature only when its window holds at least this many values. */
  min_samples: number;
  /** How often drift scores are recomputed (off the hot path), seconds. */
  compute_interval_seconds: number;
  /** The method that decides whether a feature counts as drifted (for the drifted share). */
  decision_method: { numeric: NumericDriftMethod; categorical: CategoricalDriftMethod };
  thresholds: DriftThresholds;
  /**
   * Which stored noise level a score must also reach to count as drift: the 99% or the 99.9%
   * quantile of the score over stationary windows of the same size (for chi2_pvalue, the 1% or
   * 0.1% lower quantile of the p-value).
   */
  noise_quantile: NoiseQuantile;
}

export type NoiseQuantile = 0.99 | 0.999;

export interface ReferenceBuildConfig {
  /** Equal-frequency bins for numeric features (plus one below the minimum and one above the maximum). */
  bins: number;
  /** Categories kept per categorical feature; the rest fold into __other__. */
  top_categories: number;
  /** Column in the training data that holds the model's output (score/value or class). */
  prediction_column: string;
}

export interface PredictionConfig {
  /** Binary classification: scores at or above this are the positive class. */
  decision_threshold: number;
  /** Numeric predictions outside [min, max] count as out of range. Absent: the reference min/max. */
  range?: [number, number];
}

export interface ModelConfig {
  name: string;
  task: Task;
  /** Classification: the class names, in the order of `scores` arrays; binary: [negative, positive]. */
  classes: string[];
  /** Expected model version and its deploy time (ISO 8601), exported for staleness and version alerts. */
  version: string;
  deployed_at?: string;
  /** Path of the reference sketch, resolved relative to the config file. */
  reference: string;
  features: FeatureConfig[];
  prediction: PredictionConfig;
  drift: DriftConfig;
  reference_build: ReferenceBuildConfig;
  /** Distinct model_version values with their own label; later ones fold into __other__. */
  max_versions: number;
}

export interface ListenAddress {
  host: string;
  port: number;
}

export interface IngestConfig {
  listen: ListenAddress;
  /** Largest request body accepted, bytes; larger is answered 413. */
  max_body_bytes: number;
  /** Largest number of events in one request. */
  max_batch_events: number;
  /** How many per-event errors an answer lists. */
  max_reported_errors: number;
  /** Optional bearer token; the name of an environment variable that holds it. */
  auth_token_env?: string;
}

export interface MetricsConfig {
  listen: ListenAddress;
  /** Buckets of the inference latency histogram, seconds. */
  latency_buckets_seconds: number[];
}

export interface LoggingConfig {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Raw feature values may be personal data: never logged unless this is true. */
  log_feature_values: boolean;
}

export interface Config {
  /** Absolute path of the file this came from; references resolve against its folder. */
  source_path: string;
  ingest: IngestConfig;
  metrics: MetricsConfig;
  logging: LoggingConfig;
  models: ModelConfig[];
}

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
  /**
   * Which time picks an event's sub-window: arrival (absent: the default) or event (its
   * `timestamp`; events older than the window, further ahead than future_tolerance_seconds,
   * or without a readable timestamp are counted and left out of the window).
   */
  window_time?: 'arrival' | 'event';
  /** window_time event: how far ahead of the clock a timestamp may be (clock skew), seconds; absent: 5. */
  future_tolerance_seconds?: number;
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
  /** A segment value with fewer training rows than this is compared with the whole reference. */
  min_segment_rows: number;
  /** Cells (CSV text, JSON Lines strings) that mean "missing" in the training data, as pandas reads them. */
  na_values: string[];
  /**
   * Column of the ground truth: the build then records the model's metrics on the labelled rows,
   * their spread over chunks of performance_chunk_rows rows and (binary) the score's calibration.
   */
  label_column?: string;
  /** Rows per reference chunk for the metrics' spread: about a window's labelled predictions (default 1000). */
  performance_chunk_rows?: number;
  /**
   * Multiclass: the column of each class's score (probability), by class name; with
   * label_column the build calibrates each class one-vs-rest for the label-free estimate.
   */
  score_columns?: Record<string, string>;
}

export interface PredictionConfig {
  /** Binary classification: scores at or above this are the positive class. */
  decision_threshold: number;
  /** Numeric predictions outside [min, max] count as out of range. Absent: the reference min/max. */
  range?: [number, number];
}

/** A feature the model's state is sliced by: one cell per value. */
export interface SegmentConfig {
  /** A feature of the model: categorical or boolean (values from the reference), or numeric with edges. */
  feature: string;
  /** Numeric only: upper-inclusive interval edges, strictly increasing (edges.length + 1 values). */
  edges?: number[];
}

/** Champion/challenger/shadow/canary: the event's `variant` names one of these. */
export interface VariantsConfig {
  /** Variant names; the first is the default (events without `variant`, and the one others are compared with). Empty: no variants. */
  names: string[];
  /**
   * Variants that score the same requests as the default one (shadows): their predictions are
   * paired with the default variant's by event id. Others (a canary) serve other requests.
   */
  shadows: string[];
  /** A shadow's prediction and the default variant's of the same id are paired within this many seconds. */
  pairing_ttl_seconds: number;
  /** At most this many predictions wait for their pair; the oldest go first. */
  max_pending_pairs: number;
}

/**
 * How a model-server payload's per-row output becomes mlwatch's prediction: `auto` reads a
 * list as scores, a string as a label, an integer of a multiclass model as a class index and
 * any other number as the score (binary) or value (regression).
 */
export type PredictionMapping = 'auto' | 'value' | 'score' | 'label' | 'class_index' | 'scores';

/** How KServe's inference logger and Open Inference Protocol v2 payloads map onto this model's events. */
export interface ModelKserveConfig {
  /** The `ce-inferenceservicename` whose CloudEvents are this model's (default: the model's name). */
  inference_service: string;
  /** The InferenceService logger's `mode`: `all` pairs requests with responses, `request` records requests at once. */
  logger_mode: 'all' | 'request';
  /** Feature names in the order of list rows (v1 `instances`) and of a 2-D v2 input tensor's columns; absent: such rows are refused. */
  columns?: string[];
  /** The v2 output tensor that holds the prediction (absent: the first output). */
  output?: string;
  prediction: PredictionMapping;
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
  /** Features the state is sliced by (segment cells); empty: none. */
  segments: SegmentConfig[];
  variants: VariantsConfig;
  /** Refuse to start when the segments and variants make more cells than this. */
  max_cells: number;
  /** A prediction with an id waits this long for its label (and a label for its prediction), seconds. */
  label_ttl_seconds: number;
  /** At most this many predictions and labels wait to be joined; the oldest go first (counted). */
  max_pending_labels: number;
  kserve: ModelKserveConfig;
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
  /** Optional bearer token read from this file at start (absolute; e.g. a Kubernetes secret). Exclusive with auth_token_env. */
  auth_token_file?: string;
  /** Bodies (and NDJSON lines) over 64 KiB are scanned before parsing: deepest nesting allowed. */
  max_json_depth: number;
  /** ...and most keys in any one object. */
  max_object_keys: number;
  /** ...and most JSON values (scalars and containers) in one event. */
  max_event_values: number;
  /** Request bytes buffered across all requests at once; beyond it requests are answered 503. */
  max_buffered_bytes: number;
  /** Open connections at most; more are closed at once and counted. */
  max_connections: number;
  /** Time allowed to receive a request's headers, seconds (408 after). */
  headers_timeout_seconds: number;
  /** Time allowed to receive a whole request, seconds (408 after). */
  request_timeout_seconds: number;
}

export interface MetricsConfig {
  listen: ListenAddress;
  /** Buckets of the inference latency histogram, seconds. */
  latency_buckets_seconds: number[];
  /** Longest label value taken from traffic (model_version), UTF-8 bytes; longer ones fold into __other__. */
  max_label_value_bytes: number;
  /** On SIGTERM, how long /metrics keeps answering after ingest has drained, so a last scrape sees every acknowledged event. */
  shutdown_grace_seconds: number;
}

export interface LoggingConfig {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Raw feature values may be personal data: never logged unless this is true. */
  log_feature_values: boolean;
}

/** Pairing of KServe logger CloudEvents (request with response, by ce-id): bounded in time and memory. */
export interface KservePairingConfig {
  /** How long a request (or a response) waits for its other half, seconds. */
  pairing_ttl_seconds: number;
  /** Most halves waiting at once, all models together; beyond it the oldest is let go (and counted). */
  max_pending: number;
  /** Most body bytes the waiting halves may hold, all models together. */
  max_pending_bytes: number;
}

/** Where the label join lives (src/monitor/labels): this process, or Redis shared by a fleet of replicas. */
export interface LabelStoreConfig {
  backend: 'memory' | 'redis';
  /** redis:// or rediss:// (TLS); may hold a password, so it is never logged (redactUrl). Set for redis. */
  url?: string;
  /** Prepended to every key, so several fleets can share one Redis. */
  key_prefix: string;
}

export interface Config {
  /** Absolute path of the file this came from; references resolve against its folder. */
  source_path: string;
  ingest: IngestConfig;
  metrics: MetricsConfig;
  logging: LoggingConfig;
  kserve: KservePairingConfig;
  /** Absolute folder of the state's checkpoints; absent: no checkpoints (the state starts empty at every start). */
  state_dir?: string;
  /** Seconds between two checkpoints (one more is written on SIGTERM after the drain). */
  checkpoint_interval_seconds: number;
  label_store: LabelStoreConfig;
  models: ModelConfig[];
}

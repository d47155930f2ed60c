// A file that passed every check → the Config the rest of mlwatch reads: every default
// filled in (built-in < `defaults:` < the model), paths absolute. Nothing is validated here.
import { dirname, resolve } from 'node:path';
import {
  DEFAULT_CHECKPOINT_INTERVAL_SECONDS,
  DEFAULT_DRIFT,
  DEFAULT_INGEST,
  DEFAULT_INGEST_LISTEN,
  DEFAULT_KSERVE_PAIRING,
  DEFAULT_MODEL_KSERVE,
  DEFAULT_LOGGING,
  DEFAULT_MAX_VERSIONS,
  DEFAULT_METRICS,
  DEFAULT_METRICS_LISTEN,
  DEFAULT_PREDICTION,
  DEFAULT_MAX_CELLS,
  DEFAULT_LABEL_JOIN,
  DEFAULT_LABEL_STORE,
  DEFAULT_REFERENCE_BUILD,
  DEFAULT_VARIANT_PAIRING,
} from './defaults.js';
import { parseListenAddress } from './listen.js';
import type { RawConfigFile, RawDrift, RawFeature, RawModel, RawModelKserve, RawReferenceBuild, RawVariants } from './schema.js';
import type { Config, DriftConfig, FeatureConfig, ModelConfig, ModelKserveConfig, ReferenceBuildConfig, VariantsConfig } from './types.js';

export function buildConfig(raw: RawConfigFile, sourcePath: string): Config {
  const defaults = raw.defaults ?? {};
  const modelDefaults: ModelDefaults = {
    drift: mergeDrift(DEFAULT_DRIFT, defaults.drift),
    referenceBuild: mergeReferenceBuild(DEFAULT_REFERENCE_BUILD, defaults.reference_build),
    maxVersions: defaults.max_versions ?? DEFAULT_MAX_VERSIONS,
  };
  const folder = dirname(sourcePath);
  const ingest = raw.ingest ?? {};
  const metrics = raw.metrics ?? {};
  return {
    source_path: sourcePath,
    ingest: {
      listen: parseListenAddress(ingest.listen ?? DEFAULT_INGEST_LISTEN),
      max_body_bytes: ingest.max_body_bytes ?? DEFAULT_INGEST.max_body_bytes,
      max_batch_events: ingest.max_batch_events ?? DEFAULT_INGEST.max_batch_events,
      max_reported_errors: ingest.max_reported_errors ?? DEFAULT_INGEST.max_reported_errors,
      ...(ingest.auth_token_env === undefined ? {} : { auth_token_env: ingest.auth_token_env }),
      ...(ingest.auth_token_file === undefined ? {} : { auth_token_file: resolve(folder, ingest.auth_token_file) }),
      max_json_depth: ingest.max_json_depth ?? DEFAULT_INGEST.max_json_depth,
      max_object_keys: ingest.max_object_keys ?? DEFAULT_INGEST.max_object_keys,
      max_event_values: ingest.max_event_values ?? DEFAULT_INGEST.max_event_values,
      max_buffered_bytes: ingest.max_buffered_bytes ?? DEFAULT_INGEST.max_buffered_bytes,
      max_connections: ingest.max_connections ?? DEFAULT_INGEST.max_connections,
      headers_timeout_seconds: ingest.headers_timeout_seconds ?? DEFAULT_INGEST.headers_timeout_seconds,
      request_timeout_seconds: ingest.request_timeout_seconds ?? DEFAULT_INGEST.request_timeout_seconds,
    },
    metrics: {
      listen: parseListenAddress(metrics.listen ?? DEFAULT_METRICS_LISTEN),
      latency_buckets_seconds: [...(metrics.latency_buckets_seconds ?? DEFAULT_METRICS.latency_buckets_seconds)],
      max_label_value_bytes: metrics.max_label_value_bytes ?? DEFAULT_METRICS.max_label_value_bytes,
      shutdown_grace_seconds: metrics.shutdown_grace_seconds ?? DEFAULT_METRICS.shutdown_grace_seconds,
    },
    logging: { ...DEFAULT_LOGGING, ...raw.logging },
    kserve: { ...DEFAULT_KSERVE_PAIRING, ...raw.kserve },
    ...(raw.state_dir === undefined ? {} : { state_dir: resolve(folder, raw.state_dir) }),
    checkpoint_interval_seconds: raw.checkpoint_interval_seconds ?? DEFAULT_CHECKPOINT_INTERVAL_SECONDS,
    label_store: {
      backend: raw.label_store?.backend ?? DEFAULT_LABEL_STORE.backend,
      ...(raw.label_store?.url === undefined ? {} : { url: raw.label_store.url }),
      key_prefix: raw.label_store?.key_prefix ?? DEFAULT_LABEL_STORE.key_prefix,
    },
    models: raw.models.map((model) => buildModel(model, modelDefaults, folder)),
  };
}

interface ModelDefaults {
  drift: DriftConfig;
  referenceBuild: ReferenceBuildConfig;
  maxVersions: number;
}

function buildModel(raw: RawModel, defaults: ModelDefaults, folder: string): ModelConfig {
  const prediction = raw.prediction ?? {};
  return {
    name: raw.name,
    task: raw.task,
    classes: [...(raw.classes ?? [])],
    version: raw.version,
    ...(raw.deployed_at === undefined ? {} : { deployed_at: raw.deployed_at }),
    reference: resolve(folder, raw.reference),
    features: raw.features.map(buildFeature),
    prediction: {
      decision_threshold: prediction.decision_threshold ?? DEFAULT_PREDICTION.decision_threshold,
      ...(prediction.range === undefined ? {} : { range: [prediction.range[0], prediction.range[1]] }),
    },
    drift: mergeDrift(defaults.drift, raw.drift),
    reference_build: mergeReferenceBuild(defaults.referenceBuild, raw.reference_build),
    max_versions: raw.max_versions ?? defaults.maxVersions,
    segments: (raw.segments ?? []).map((s) => ({ feature: s.feature, ...(s.edges === undefined ? {} : { edges: [...s.edges] }) })),
    variants: buildVariants(raw.variants),
    max_cells: raw.max_cells ?? DEFAULT_MAX_CELLS,
    label_ttl_seconds: raw.label_ttl_seconds ?? DEFAULT_LABEL_JOIN.label_ttl_seconds,
    max_pending_labels: raw.max_pending_labels ?? DEFAULT_LABEL_JOIN.max_pending_labels,
    kserve: buildModelKserve(raw.name, raw.kserve),
  };
}

function buildVariants(raw: RawVariants | undefined): VariantsConfig {
  if (raw === undefined) return { names: [], shadows: [], ...DEFAULT_VARIANT_PAIRING };
  if (Array.isArray(raw)) return { names: [...raw], shadows: [], ...DEFAULT_VARIANT_PAIRING };
  return {
    names: [...raw.names],
    shadows: [...(raw.shadows ?? [])],
    pairing_ttl_seconds: raw.pairing_ttl_seconds ?? DEFAULT_VARIANT_PAIRING.pairing_ttl_seconds,
    max_pending_pairs: raw.max_pending_pairs ?? DEFAULT_VARIANT_PAIRING.max_pending_pairs,
  };
}

function buildModelKserve(modelName: string, raw: RawModelKserve | undefined): ModelKserveConfig {
  const k = raw ?? {};
  return {
    inference_service: k.inference_service ?? modelName,
    logger_mode: k.logger_mode ?? DEFAULT_MODEL_KSERVE.logger_mode,
    ...(k.columns === undefined ? {} : { columns: [...k.columns] }),
    ...(k.output === undefined ? {} : { output: k.output }),
    prediction: k.prediction ?? DEFAULT_MODEL_KSERVE.prediction,
  };
}

function buildFeature(raw: RawFeature): FeatureConfig {
  return {
    name: raw.name,
    type: raw.type,
    ...(raw.range === undefined ? {} : { range: [raw.range[0], raw.range[1]] }),
    ...(raw.categories === undefined ? {} : { categories: [...raw.categories] }),
    nullable: raw.nullable ?? false,
  };
}

/** Key by key, and decision_method and thresholds key by key within. A fresh object. */
function mergeDrift(base: DriftConfig, override: RawDrift | undefined): DriftConfig {
  const o = override ?? {};
  return {
    window_seconds: o.window_seconds ?? base.window_seconds,
    sub_windows: o.sub_windows ?? base.sub_windows,
    min_samples: o.min_samples ?? base.min_samples,
    compute_interval_seconds: o.compute_interval_seconds ?? base.compute_interval_seconds,
    ...optional('window_time', o.window_time ?? base.window_time),
    ...optional('future_tolerance_seconds', o.future_tolerance_seconds ?? base.future_tolerance_seconds),
    decision_method: { ...base.decision_method, ...o.decision_method },
    thresholds: { ...base.thresholds, ...o.thresholds },
    noise_quantile: o.noise_quantile ?? base.noise_quantile,
  };
}

/** `{ key: value }`, or nothing when the value is absent (the config then says only what was set). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Key by key; a na_values list replaces the one below it (a fresh copy). */
function mergeReferenceBuild(base: ReferenceBuildConfig, override: RawReferenceBuild | undefined): ReferenceBuildConfig {
  const merged = { ...base, ...override };
  const scoreColumns = merged.score_columns === undefined ? {} : { score_columns: { ...merged.score_columns } };
  return { ...merged, na_values: [...merged.na_values], ...scoreColumns };
}

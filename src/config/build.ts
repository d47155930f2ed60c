// A file that passed every check → the Config the rest of mlwatch reads: every default
// filled in (built-in < `defaults:` < the model), paths absolute. Nothing is validated here.
import { dirname, resolve } from 'node:path';
import {
  DEFAULT_DRIFT,
  DEFAULT_INGEST,
  DEFAULT_INGEST_LISTEN,
  DEFAULT_LOGGING,
  DEFAULT_MAX_VERSIONS,
  DEFAULT_METRICS,
  DEFAULT_METRICS_LISTEN,
  DEFAULT_PREDICTION,
  DEFAULT_REFERENCE_BUILD,
} from './defaults.js';
import { parseListenAddress } from './listen.js';
import type { RawConfigFile, RawDrift, RawFeature, RawModel, RawReferenceBuild } from './schema.js';
import type { Config, DriftConfig, FeatureConfig, ModelConfig, ReferenceBuildConfig } from './types.js';

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
    },
    metrics: {
      listen: parseListenAddress(metrics.listen ?? DEFAULT_METRICS_LISTEN),
      latency_buckets_seconds: [...(metrics.latency_buckets_seconds ?? DEFAULT_METRICS.latency_buckets_seconds)],
    },
    logging: { ...DEFAULT_LOGGING, ...raw.logging },
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
    decision_method: { ...base.decision_method, ...o.decision_method },
    thresholds: { ...base.thresholds, ...o.thresholds },
    noise_quantile: o.noise_quantile ?? base.noise_quantile,
  };
}

function mergeReferenceBuild(base: ReferenceBuildConfig, override: RawReferenceBuild | undefined): ReferenceBuildConfig {
  return { ...base, ...override };
}

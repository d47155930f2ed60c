// The config of the design's example, as YAML and as a plain object to break one key at a time.
import { dump } from 'js-yaml';
import { ConfigError, parseConfig } from '../../src/config/loader.js';

export const EXAMPLE_YAML = `
ingest:
  listen: "127.0.0.1:9801"
  max_body_bytes: 10485760
  max_batch_events: 10000
  max_reported_errors: 10
  auth_token_env: MLWATCH_INGEST_TOKEN
metrics:
  listen: "0.0.0.0:9802"
  latency_buckets_seconds: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
logging:
  level: info
  log_feature_values: false
defaults:
  drift:
    window_seconds: 600
    sub_windows: 10
    min_samples: 100
    compute_interval_seconds: 10
    decision_method: { numeric: psi, categorical: jensen_shannon }
    thresholds: { psi: 0.2, jensen_shannon: 0.1, wasserstein_normalized: 0.1, ks: 0.1, chi2_pvalue: 0.01, chebyshev: 0.1 }
  reference_build: { bins: 10, top_categories: 50, prediction_column: prediction }
  max_versions: 5
models:
  - name: credit
    task: binary_classification
    classes: [rejected, approved]
    version: "2.3.0"
    deployed_at: "2026-11-20T09:00:00Z"
    reference: reference/credit.json
    prediction: { decision_threshold: 0.5, range: [0, 1] }
    drift: { window_seconds: 60 }
    reference_build: { bins: 10 }
    max_versions: 5
    features:
      - { name: income, type: numeric, range: [0, 1000000], nullable: false }
      - { name: country, type: categorical, categories: [DE, FR, US] }
      - { name: has_mortgage, type: boolean }
`;

export const SOURCE = '/etc/mlwatch/mlwatch.yaml';

/** A small valid file as a plain object: tests break one key of it at a time. */
export function validFile(): Record<string, unknown> {
  return {
    models: [
      {
        name: 'credit',
        task: 'binary_classification',
        classes: ['rejected', 'approved'],
        version: '2.3.0',
        reference: 'reference/credit.json',
        features: [
          { name: 'income', type: 'numeric', range: [0, 1_000_000] },
          { name: 'country', type: 'categorical', categories: ['DE', 'FR', 'US'] },
          { name: 'has_mortgage', type: 'boolean' },
        ],
      },
    ],
  };
}

/** The problems parseConfig reports for `yamlText`; fails the test if it parses. */
export function problemsOf(yamlText: string): string[] {
  try {
    parseConfig(yamlText, SOURCE);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`expected a ConfigError for:\n${yamlText}`);
}

/** The file as YAML after `edit` changed a copy of the valid one. */
export function yamlWith(edit: (file: Record<string, unknown>, model: Record<string, unknown>) => void): string {
  const file = validFile();
  const models = file.models as Record<string, unknown>[];
  edit(file, models[0]);
  return dump(file);
}

/** The model's feature at `index`, for edits. */
export function featureOf(model: Record<string, unknown>, index: number): Record<string, unknown> {
  return (model.features as Record<string, unknown>[])[index];
}

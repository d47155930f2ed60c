// Every problem of a file at once, in the file's order; YAML syntax errors by line:column.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/loader.js';
import { problemsOf, SOURCE } from './fixtures.js';

const MANY_MISTAKES = `
ingest:
  listen: "127.0.0.1:99999"
metrics:
  latency_buckets_seconds: [0.1, 0.05]
logging: { level: loud }
defaults:
  drift: { sub_windows: 7 }
  reference_build: { bins: 1 }
modles: []
models:
  - name: credit
    task: binary_classification
    classes: [no, yes, maybe]
    version: 2.3
    reference: credit.json
    Features: []
    features:
      - { name: income, type: numeric, range: [5, 1] }
      - { name: income, type: categorical, categories: [DE, DE] }
  - name: credit
    task: regression
    version: "1"
    reference: other.json
    features:
      - { name: __score, type: numbr }
`;

describe('many problems', () => {
  it('are all reported at once, in the order of the file', () => {
    expect(problemsOf(MANY_MISTAKES)).toStrictEqual([
      'ingest.listen: port 99999 in "127.0.0.1:99999" is out of range; a port is from 0 to 65535',
      'metrics.latency_buckets_seconds[1]: must be greater than the bucket before it (0.1); buckets must be strictly increasing (got 0.05)',
      'logging.level: must be one of: trace, debug, info, warn, error, fatal, silent (got "loud")',
      'defaults.drift.sub_windows: a window of 600 s does not split into 7 sub-windows of whole milliseconds; use a sub_windows that divides 600000, e.g. 6 or 8',
      'defaults.reference_build.bins: must be a whole number from 2 to 100 (got 1)',
      'models[0].classes: must list exactly 2 classes, [negative, positive], for binary_classification (got 3)',
      'models[0].version: must be a string (got the number 2.3); put it in quotes, e.g. "2.3"',
      'models[0].features[0].range: must be [min, max] with min < max (got [5, 1])',
      'models[0].features[1].name: duplicate feature name "income" (first at models[0].features[0].name)',
      'models[0].features[1].categories[1]: duplicate category "DE" (first at models[0].features[1].categories[0])',
      'models[0].Features: unknown key (expected one of: name, task, classes, version, deployed_at, reference, prediction, drift, reference_build, max_versions, segments, variants, max_cells, label_ttl_seconds, max_pending_labels, kserve, features); did you mean "features"?',
      'models[1].name: duplicate model name "credit" (first at models[0].name)',
      'models[1].features[0].name: must not start with "__", which is reserved for mlwatch\'s own names such as __other__ (got "__score")',
      'models[1].features[0].type: must be one of: numeric, categorical, boolean (got "numbr")',
      'modles: unknown key (expected one of: ingest, metrics, logging, kserve, state_dir, checkpoint_interval_seconds, label_store, defaults, models); did you mean "models"?',
    ]);
  });

  it('make one ConfigError whose message lists each on its own line', () => {
    let error: unknown;
    try {
      parseConfig(MANY_MISTAKES, SOURCE);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems).toHaveLength(15);
    expect(message).toBe([`invalid config ${SOURCE}:`, ...problems.map((p) => `  - ${p}`)].join('\n'));
    expect(message).not.toMatch(/\n\s+at /); // no stack frames
  });
});

describe('YAML syntax errors', () => {
  it.each([
    ['a duplicate key', 'models:\n  - name: a\n    name: b\n', '3:5: YAML syntax error: duplicated mapping key'],
    ['a duplicate top-level key', 'models: []\nlogging: {}\nmodels: []\n', '3:1: YAML syntax error: duplicated mapping key'],
    ['bad indentation', 'models:\n  - name: a\n   task: regression\n', '3:4: YAML syntax error: bad indentation of a sequence entry'],
    ['an unclosed flow list', 'models: [\n  {name: a}\n', '3:1: YAML syntax error: unexpected end of the stream within a flow collection'],
    ['a tab for indentation', 'models:\n\t- name: a\n', '2:1: YAML syntax error: tab characters must not be used in indentation'],
    ['two documents', 'models: []\n---\nmodels: []\n', '(file): YAML syntax error: expected a single document in the stream, but found more'],
  ])('%s is reported with line:column', (_name, text, expected) => {
    expect(problemsOf(text)).toStrictEqual([expected]);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, parseListenAddress } from '../../src/config/loader.js';
import { DEFAULT_NA_VALUES } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/types.js';
import { EXAMPLE_YAML, SOURCE, validFile, yamlWith } from './fixtures.js';
import { dump } from 'js-yaml';

const DEFAULT_THRESHOLDS = { psi: 0.2, jensen_shannon: 0.1, wasserstein_normalized: 0.1, ks: 0.1, chi2_pvalue: 0.01, chebyshev: 0.1 };
const DEFAULT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

describe('parseConfig', () => {
  it('turns the design example into the full Config: defaults filled, overrides merged, paths resolved', () => {
    const expected: Config = {
      source_path: SOURCE,
      ingest: {
        listen: { host: '127.0.0.1', port: 9801 },
        max_body_bytes: 10485760,
        max_batch_events: 10000,
        max_reported_errors: 10,
        auth_token_env: 'MLWATCH_INGEST_TOKEN',
        max_json_depth: 64,
        max_object_keys: 10000,
        max_event_values: 100000,
        max_buffered_bytes: 33554432,
        max_connections: 1024,
        headers_timeout_seconds: 10,
        request_timeout_seconds: 30,
      },
      metrics: { listen: { host: '0.0.0.0', port: 9802 }, latency_buckets_seconds: DEFAULT_BUCKETS, max_label_value_bytes: 128, shutdown_grace_seconds: 15 },
      logging: { level: 'info', log_feature_values: false },
      kserve: { pairing_ttl_seconds: 30, max_pending: 10000, max_pending_bytes: 67108864 },
      checkpoint_interval_seconds: 60,
      label_store: { backend: 'memory', key_prefix: 'mlwatch:' },
      models: [
        {
          name: 'credit',
          task: 'binary_classification',
          classes: ['rejected', 'approved'],
          version: '2.3.0',
          deployed_at: '2026-11-20T09:00:00Z',
          reference: '/etc/mlwatch/reference/credit.json',
          features: [
            { name: 'income', type: 'numeric', range: [0, 1000000], nullable: false },
            { name: 'country', type: 'categorical', categories: ['DE', 'FR', 'US'], nullable: false },
            { name: 'has_mortgage', type: 'boolean', nullable: false },
          ],
          prediction: { decision_threshold: 0.5, range: [0, 1] },
          drift: {
            window_seconds: 60,
            sub_windows: 10,
            min_samples: 100,
            compute_interval_seconds: 10,
            decision_method: { numeric: 'psi', categorical: 'jensen_shannon' },
            thresholds: DEFAULT_THRESHOLDS,
            noise_quantile: 0.999,
          },
          reference_build: { bins: 10, top_categories: 50, prediction_column: 'prediction', min_segment_rows: 200, na_values: [...DEFAULT_NA_VALUES] },
          max_versions: 5,
          segments: [],
          variants: { names: [], shadows: [], pairing_ttl_seconds: 60, max_pending_pairs: 100_000 },
          max_cells: 64,
          label_ttl_seconds: 86_400,
          max_pending_labels: 100_000,
          kserve: { inference_service: 'credit', logger_mode: 'all', prediction: 'auto' },
        },
      ],
    };
    expect(parseConfig(EXAMPLE_YAML, SOURCE)).toStrictEqual(expected);
  });

  it('resolves auth_token_file against the config file\'s folder', () => {
    const config = parseConfig(
      dump({ ingest: { auth_token_file: 'secrets/token' }, models: [{ name: 'm', task: 'regression', version: '1', reference: 'm.json', features: [{ name: 'x', type: 'numeric' }] }] }),
      '/etc/mlwatch/mlwatch.yaml',
    );
    expect(config.ingest.auth_token_file).toBe('/etc/mlwatch/secrets/token');
  });

  it('fills every default when the file gives only what is required', () => {
    const config = parseConfig(
      dump({ models: [{ name: 'm', task: 'regression', version: '1', reference: 'm.json', features: [{ name: 'x', type: 'numeric' }] }] }),
      SOURCE,
    );
    expect(config.ingest).toStrictEqual({
      listen: { host: '127.0.0.1', port: 9801 },
      max_body_bytes: 10485760,
      max_batch_events: 10000,
      max_reported_errors: 10,
      max_json_depth: 64,
      max_object_keys: 10000,
      max_event_values: 100000,
      max_buffered_bytes: 33554432,
      max_connections: 1024,
      headers_timeout_seconds: 10,
      request_timeout_seconds: 30,
    });
    expect(config.metrics).toStrictEqual({ listen: { host: '0.0.0.0', port: 9802 }, latency_buckets_seconds: DEFAULT_BUCKETS, max_label_value_bytes: 128, shutdown_grace_seconds: 15 });
    expect(config.logging).toStrictEqual({ level: 'info', log_feature_values: false });
    const [model] = config.models;
    expect(model.classes).toStrictEqual([]);
    expect(model.deployed_at).toBeUndefined();
    expect('deployed_at' in model).toBe(false);
    expect(model.prediction).toStrictEqual({ decision_threshold: 0.5 });
    expect(model.features).toStrictEqual([{ name: 'x', type: 'numeric', nullable: false }]);
    expect(model.drift).toStrictEqual({
      window_seconds: 600,
      sub_windows: 10,
      min_samples: 100,
      compute_interval_seconds: 10,
      decision_method: { numeric: 'jensen_shannon', categorical: 'jensen_shannon' },
      thresholds: DEFAULT_THRESHOLDS,
      noise_quantile: 0.999,
    });
    expect(model.reference_build).toStrictEqual({ bins: 10, top_categories: 50, prediction_column: 'prediction', min_segment_rows: 200, na_values: [...DEFAULT_NA_VALUES] });
    expect(model.reference_build.na_values).toEqual(expect.arrayContaining(['NA', 'NaN', 'NULL', 'None', '#N/A']));
    expect(model.max_versions).toBe(5);
  });

  it('layers built-in < defaults: < model, key by key, thresholds and decision_method included', () => {
    const config = parseConfig(
      yamlWith((file, model) => {
        file.defaults = {
          drift: { window_seconds: 300, sub_windows: 5, thresholds: { psi: 0.3, ks: 0.2 }, decision_method: { numeric: 'ks' } },
          reference_build: { bins: 20, prediction_column: 'score', na_values: ['NA', '-999'] },
          max_versions: 3,
        };
        model.drift = { sub_windows: 6, thresholds: { ks: 0.05 }, decision_method: { categorical: 'chebyshev' } };
        model.reference_build = { top_categories: 7 };
      }),
      SOURCE,
    );
    const [model] = config.models;
    expect(model.drift).toStrictEqual({
      window_seconds: 300,
      sub_windows: 6,
      min_samples: 100,
      compute_interval_seconds: 10,
      decision_method: { numeric: 'ks', categorical: 'chebyshev' },
      thresholds: { ...DEFAULT_THRESHOLDS, psi: 0.3, ks: 0.05 },
      noise_quantile: 0.999,
    });
    expect(model.reference_build).toStrictEqual({ bins: 20, top_categories: 7, prediction_column: 'score', min_segment_rows: 200, na_values: ['NA', '-999'] });
    expect(model.max_versions).toBe(3);
  });

  it('takes drift.noise_quantile 0.99 or 0.999, and nothing else', () => {
    const config = parseConfig(yamlWith((file, model) => { model.drift = { noise_quantile: 0.99 }; }), SOURCE);
    expect(config.models[0].drift.noise_quantile).toBe(0.99);
    let error: unknown;
    try {
      parseConfig(yamlWith((file) => { file.defaults = { drift: { noise_quantile: 0.95 } }; }), SOURCE);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toStrictEqual([expect.stringMatching(/^defaults\.drift\.noise_quantile: must be one of: 0\.99, 0\.999/)]);
  });

  it('gives every model its own copies, so changing one Config never changes another', () => {
    const file = validFile();
    const models = file.models as Record<string, unknown>[];
    models.push({ ...models[0], name: 'second' });
    const config = parseConfig(dump(file), SOURCE);
    config.models[0].drift.thresholds.psi = 99;
    config.metrics.latency_buckets_seconds.push(99);
    expect(config.models[1].drift.thresholds.psi).toBe(0.2);
    expect(parseConfig(dump(file), SOURCE).metrics.latency_buckets_seconds).toStrictEqual(DEFAULT_BUCKETS);
  });

  it('resolves the source path and references: relative to the config folder, absolute kept', () => {
    const config = parseConfig(
      yamlWith((file) => {
        const models = file.models as Record<string, unknown>[];
        models.push({ ...models[0], name: 'abs', reference: '/data/refs/abs.json' });
      }),
      'configs/../mlwatch.yaml',
    );
    expect(config.source_path).toBe(join(process.cwd(), 'mlwatch.yaml'));
    expect(config.models[0].reference).toBe(join(process.cwd(), 'reference/credit.json'));
    expect(config.models[1].reference).toBe('/data/refs/abs.json');
  });

  it('accepts IPv6 listen addresses and port 0', () => {
    const config = parseConfig(
      yamlWith((file) => {
        file.ingest = { listen: '[::1]:0' };
        file.metrics = { listen: '[::]:9802' };
      }),
      SOURCE,
    );
    expect(config.ingest.listen).toStrictEqual({ host: '::1', port: 0 });
    expect(config.metrics.listen).toStrictEqual({ host: '::', port: 9802 });
  });
});

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:9801', { host: '127.0.0.1', port: 9801 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['localhost:65535', { host: 'localhost', port: 65535 }],
    ['mlwatch.internal:80', { host: 'mlwatch.internal', port: 80 }],
    ['[::1]:9801', { host: '::1', port: 9801 }],
    ['[fe80::1]:1', { host: 'fe80::1', port: 1 }],
  ])('parses %s', (text, expected) => {
    expect(parseListenAddress(text)).toStrictEqual(expected);
  });

  it.each([
    ['9801', '"9801" is a port without a host; write HOST:PORT, e.g. "127.0.0.1:9801" (this machine only) or "0.0.0.0:9801" (every interface)'],
    [':9801', '":9801" has no host; write HOST:PORT, e.g. "127.0.0.1:9801" (this machine only) or "0.0.0.0:9801" (every interface)'],
    ['localhost', '"localhost" has no port; write HOST:PORT (e.g. "127.0.0.1:9801", "0.0.0.0:9802" or "[::1]:9801")'],
    ['127.0.0.1:65536', 'port 65536 in "127.0.0.1:65536" is out of range; a port is from 0 to 65535'],
    ['127.0.0.1:http', '"http" in "127.0.0.1:http" is not a port; a port is a whole number from 0 to 65535'],
    ['127.0.0.1:-1', '"-1" in "127.0.0.1:-1" is not a port; a port is a whole number from 0 to 65535'],
    ['::1:9801', '"::1:9801": an IPv6 address goes in brackets, e.g. "[::1]:9801"'],
    ['[::1]9801', '"[::1]9801" is not [IPV6]:PORT (e.g. "127.0.0.1:9801", "0.0.0.0:9802" or "[::1]:9801")'],
    ['[nope]:1', '"nope" in "[nope]:1" is not an IPv6 address'],
    ['300.1.1.1:80', '"300.1.1.1" in "300.1.1.1:80" is not an IP address or host name'],
    ['my host:80', '"my host" in "my host:80" is not an IP address or host name'],
  ])('rejects %s with a readable message', (text, message) => {
    expect(() => parseListenAddress(text)).toThrow(new Error(message));
  });
});

describe('loadConfig', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'mlwatch-config-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads a file and resolves references against its folder', async () => {
    const path = join(folder, 'mlwatch.yaml');
    await writeFile(path, EXAMPLE_YAML);
    const config = await loadConfig(path);
    expect(config.source_path).toBe(path);
    expect(config.models[0].reference).toBe(join(folder, 'reference', 'credit.json'));
  });

  it('reports a missing file as a ConfigError naming it', async () => {
    const path = join(folder, 'absent.yaml');
    const error: unknown = await loadConfig(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toStrictEqual([
      `(file): cannot be read: ENOENT: no such file or directory, open '${path}'`,
    ]);
  });

  it('formats the ConfigError message as the lead expects', async () => {
    const path = join(folder, 'bad.yaml');
    await writeFile(path, 'models: []\nlogging: { level: loud }\n');
    const error: unknown = await loadConfig(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      `invalid config ${path}:\n` +
        '  - logging.level: must be one of: trace, debug, info, warn, error, fatal, silent (got "loud")\n' +
        '  - models: must be a list of at least one model (got a list of 0)',
    );
  });
});

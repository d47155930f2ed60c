// Test harness for a real Prometheus (the Debian package's /usr/bin/prometheus): a
// throwaway config and TSDB in a temp dir, a free loopback port, 1 s scrape and rule
// intervals, and small clients for the HTTP API. Tests poll through waitFor instead of
// sleeping, because a scrape lands anywhere within its interval. Prometheus 2.x applies
// new targets on a 5 s tick, so the first scrape comes ~5 s after start: start one per file.
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { sleep, spawnBinary, terminate, waitReady, type SpawnedBinary } from './binary-process.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

/** One element of an instant vector, its value parsed ("NaN" and "+Inf" included). */
export interface VectorSample {
  metric: Record<string, string>;
  value: number;
  /** Evaluation time, Unix seconds. */
  timestamp: number;
}

export interface ScrapeTarget {
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  labels: Record<string, string>;
}

export interface PrometheusOptions {
  /** host:port targets of the one scrape job. */
  targets: string[];
  job?: string;
  /** Labels every target gets (static_configs labels), e.g. a namespace as Kubernetes discovery adds it. */
  targetLabels?: Record<string, string>;
  /** Absolute paths of rule files to load. */
  ruleFiles?: string[];
  /** Scrape jobs written as given (scheme, tls_config, basic_auth...), after the `targets` job if that has targets. */
  scrapeConfigs?: Record<string, unknown>[];
  /** How long to wait for /-/ready. */
  readyTimeoutMs?: number;
}

export interface RunningPrometheus {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The temp dir holding prometheus.yml and the TSDB. */
  dir: string;
  query(promql: string): Promise<VectorSample[]>;
  /** Polls every 250 ms until `predicate` holds for the query's result; returns that result. */
  waitFor(promql: string, predicate: (result: VectorSample[]) => boolean, timeoutMs?: number): Promise<VectorSample[]>;
  targets(): Promise<ScrapeTarget[]>;
  stop(): Promise<void>;
}

const POLL_MS = 250;
const START_ATTEMPTS = 3;

/** Whether a binary a test needs is installed, and what to tell the user when it is not. */
export interface BinaryGate {
  path: string;
  available: boolean;
  reason: string;
}

export function binaryGate(path: string, aptPackage: string): BinaryGate {
  try {
    accessSync(path, constants.X_OK);
    return { path, available: true, reason: '' };
  } catch {
    return {
      path,
      available: false,
      reason: `${path} is not installed (Debian package "${aptPackage}": apt-get install -y ${aptPackage}; .ci/run installs it)`,
    };
  }
}

/**
 * Call at the top level of a test file, beside `describe.skipIf(!gate.available)`.
 * Locally a missing binary skips the suite with a printed reason; on CI (CI=true) it
 * registers a failing test, because a CI run that silently skipped would prove nothing.
 */
export function requireBinary(gate: BinaryGate, register: (name: string, fn: () => void) => void): void {
  if (gate.available) return;
  if (process.env.CI === 'true') {
    register(`${gate.path} is installed (required when CI=true)`, () => {
      throw new Error(`CI=true and ${gate.reason}`);
    });
    return;
  }
  console.warn(`skipping: ${gate.reason}`);
}

/** A port nothing listens on right now (the OS picks it); Prometheus binds it next. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function prometheusConfig(options: PrometheusOptions): string {
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    ...(options.ruleFiles && options.ruleFiles.length > 0 ? { rule_files: options.ruleFiles } : {}),
    scrape_configs: [
      ...(options.targets.length > 0 || !options.scrapeConfigs
        ? [{ job_name: options.job ?? 'mlwatch', static_configs: [{ targets: options.targets, ...(options.targetLabels ? { labels: options.targetLabels } : {}) }] }]
        : []),
      ...(options.scrapeConfigs ?? []),
    ],
  };
  return dump(config);
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'mlwatch-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, prometheusConfig(options));
  let lastError: unknown = null;
  // The free port can be taken between our probe and Prometheus's bind: try a new one.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freeLoopbackPort();
    const child = spawnPrometheus(configFile, join(dir, 'data'), port);
    try {
      await waitReady(child, `http://127.0.0.1:${port}/-/ready`, options.readyTimeoutMs ?? 20_000);
      return running(child.process, `http://127.0.0.1:${port}`, dir);
    } catch (error) {
      lastError = error;
      await terminate(child.process);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function spawnPrometheus(configFile: string, dataDir: string, port: number): SpawnedBinary {
  return spawnBinary('prometheus', PROMETHEUS_BIN, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    '--log.level=warn',
  ]);
}

function running(child: ChildProcess, url: string, dir: string): RunningPrometheus {
  let stopping: Promise<void> | null = null;
  const query = async (promql: string): Promise<VectorSample[]> => {
    const response = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: promql }).toString(),
    });
    const body: unknown = await response.json();
    return parseVector(promql, body);
  };
  const targets = async (): Promise<ScrapeTarget[]> => {
    const response = await fetch(`${url}/api/v1/targets?state=active`);
    const body = (await response.json()) as { status?: string; data?: { activeTargets?: ScrapeTarget[] } };
    if (body.status !== 'success' || !body.data?.activeTargets) {
      throw new Error(`unexpected /api/v1/targets answer: ${JSON.stringify(body).slice(0, 500)}`);
    }
    return body.data.activeTargets;
  };
  return {
    url,
    dir,
    query,
    async waitFor(promql, predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last: VectorSample[] = [];
      for (;;) {
        last = await query(promql);
        if (predicate(last)) return last;
        if (Date.now() >= deadline) break;
        await sleep(POLL_MS);
      }
      const health = await targets().catch((): ScrapeTarget[] => []);
      throw new Error(
        `timed out after ${timeoutMs} ms waiting on ${promql}\n` +
          `last result: ${JSON.stringify(last.map((s) => ({ ...s.metric, value: s.value })))}\n` +
          `targets: ${JSON.stringify(health.map((t) => ({ url: t.scrapeUrl, health: t.health, lastError: t.lastError })))}`,
      );
    },
    targets,
    stop() {
      stopping ??= (async () => {
        await terminate(child);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function parseVector(promql: string, body: unknown): VectorSample[] {
  const answer = body as { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  if (answer.status !== 'success') {
    throw new Error(`prometheus rejected the query ${promql}: ${answer.error ?? JSON.stringify(body).slice(0, 500)}`);
  }
  if (answer.data?.resultType !== 'vector' || !Array.isArray(answer.data.result)) {
    throw new Error(`expected an instant vector from ${promql}, got ${answer.data?.resultType}`);
  }
  return (answer.data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
    metric: r.metric,
    value: Number(r.value[1]),
    timestamp: r.value[0],
  }));
}

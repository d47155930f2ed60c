// Test harness for a real Alertmanager (the Debian package's /usr/bin/prometheus-alertmanager):
// a config written to a temp dir, its own storage there, a free loopback port, clustering off,
// and a small client for the v2 API. Tests use the shipped alertmanager/alertmanager.yml with
// its timings shortened and its webhook URLs pointed at a test receiver, both in memory
// (testAlertmanagerConfig): the shipped file is never edited.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump, load } from 'js-yaml';
import { freeLoopbackPort } from './prometheus.js';
import { sleep, spawnBinary, terminate, waitReady } from './binary-process.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
export const AMTOOL_BIN = '/usr/bin/amtool';
/** The Debian package that ships both binaries. */
export const ALERTMANAGER_PACKAGE = 'prometheus-alertmanager';
export const SHIPPED_ALERTMANAGER_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '../../alertmanager/alertmanager.yml');

const START_ATTEMPTS = 3;

/** The parts of an Alertmanager config the tests read or rewrite; the rest passes through. */
export interface RouteConfig {
  receiver?: string;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  matchers?: string[];
  routes?: RouteConfig[];
  [key: string]: unknown;
}

export interface ReceiverConfig {
  name: string;
  webhook_configs?: { url: string; send_resolved?: boolean; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface InhibitRule {
  source_matchers?: string[];
  target_matchers?: string[];
  equal?: string[];
}

export interface AlertmanagerConfig {
  route: RouteConfig;
  receivers: ReceiverConfig[];
  inhibit_rules?: InhibitRule[];
  [key: string]: unknown;
}

export async function loadAlertmanagerConfig(path = SHIPPED_ALERTMANAGER_CONFIG): Promise<AlertmanagerConfig> {
  return load(await readFile(path, 'utf8')) as AlertmanagerConfig;
}

export interface TestTimings {
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

/** Seconds-scale timings: the first notification ~1 s after an alert arrives, resolutions within ~2 s. */
export const FAST_TIMINGS: TestTimings = { groupWait: '1s', groupInterval: '2s', repeatInterval: '1h' };

/**
 * A copy of `config` for a test: every route that sets a timing gets the test's value (the
 * root always does), and every webhook URL keeps its path but goes to `webhookBaseUrl`, so a
 * test can tell which receiver a notification came through.
 */
export function testAlertmanagerConfig(config: AlertmanagerConfig, webhookBaseUrl: string, timings = FAST_TIMINGS): AlertmanagerConfig {
  const copy = structuredClone(config);
  const shorten = (route: RouteConfig, root: boolean): void => {
    if (root || route.group_wait !== undefined) route.group_wait = timings.groupWait;
    if (root || route.group_interval !== undefined) route.group_interval = timings.groupInterval;
    if (root || route.repeat_interval !== undefined) route.repeat_interval = timings.repeatInterval;
    for (const child of route.routes ?? []) shorten(child, false);
  };
  shorten(copy.route, true);
  const base = new URL(webhookBaseUrl);
  for (const receiver of copy.receivers) {
    for (const webhook of receiver.webhook_configs ?? []) {
      const original = new URL(webhook.url);
      webhook.url = new URL(`${original.pathname}${original.search}`, base).toString();
    }
  }
  return copy;
}

/** An alert as GET /api/v2/alerts returns it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  receivers: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

/** An alert as POST /api/v2/alerts takes it (what Prometheus sends). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface RunningAlertmanager {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** host:port, for Prometheus's alerting.alertmanagers targets. */
  address: string;
  /** The temp dir holding alertmanager.yml and the storage. */
  dir: string;
  /** Alerts Alertmanager holds, active, silenced and inhibited alike; `matchers` like ['alertname="X"']. */
  alerts(matchers?: string[]): Promise<AlertmanagerAlert[]>;
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** Polls every 250 ms until `predicate` holds for alerts(matchers); returns them. */
  waitForAlerts(matchers: string[], predicate: (alerts: AlertmanagerAlert[]) => boolean, timeoutMs?: number): Promise<AlertmanagerAlert[]>;
  stop(): Promise<void>;
}

export interface AlertmanagerOptions {
  config: AlertmanagerConfig;
  readyTimeoutMs?: number;
}

export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'mlwatch-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, dump(options.config));
  let lastError: unknown = null;
  // The free port can be taken between our probe and Alertmanager's bind: try a new one.
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = await freeLoopbackPort();
    const binary = spawnBinary('alertmanager', ALERTMANAGER_BIN, [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty disables the gossip cluster: no 9094 listener, no peers to wait for.
      '--cluster.listen-address=',
      '--log.level=warn',
    ]);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(binary, `${url}/-/ready`, options.readyTimeoutMs ?? 15_000);
      return running(binary.process, url, dir);
    } catch (error) {
      lastError = error;
      await terminate(binary.process);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function running(child: ChildProcess, url: string, dir: string): RunningAlertmanager {
  let stopping: Promise<void> | null = null;
  const alerts = async (matchers: string[] = []): Promise<AlertmanagerAlert[]> => {
    const query = new URLSearchParams(matchers.map((m): [string, string] => ['filter', m]));
    const response = await fetch(`${url}/api/v2/alerts?${query.toString()}`);
    if (!response.ok) throw new Error(`GET /api/v2/alerts answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as AlertmanagerAlert[];
  };
  return {
    url,
    address: new URL(url).host,
    dir,
    alerts,
    async postAlerts(posted) {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(posted),
      });
      if (!response.ok) throw new Error(`POST /api/v2/alerts answered ${response.status}: ${await response.text()}`);
    },
    async waitForAlerts(matchers, predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last: AlertmanagerAlert[] = [];
      for (;;) {
        last = await alerts(matchers);
        if (predicate(last)) return last;
        if (Date.now() >= deadline) break;
        await sleep(250);
      }
      throw new Error(
        `timed out after ${timeoutMs} ms waiting on Alertmanager alerts ${matchers.join(',')}\n` +
          `last: ${JSON.stringify(last.map((a) => ({ labels: a.labels, status: a.status })))}`,
      );
    },
    stop() {
      stopping ??= (async () => {
        await terminate(child);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

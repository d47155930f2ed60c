// The whole alerting path for end-to-end tests, all real: mlwatch (the sidecar, in process,
// on the model fixture) scraped by Prometheus every second, which evaluates the shipped
// alert rules rendered from the shipped thresholds with test timings, and sends to
// Alertmanager running the shipped config (timings shortened, webhooks pointed at a
// receiver in this process). Nothing shipped is edited: the changes are made in memory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadThresholds, renderAlertRules, withTimings, type AlertThresholds } from '../../src/rules/alerts.js';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import { loadAlertmanagerConfig, startAlertmanager, testAlertmanagerConfig, type RunningAlertmanager } from './alertmanager.js';
import { createModelFixture, type DriftSettings, type ModelFixture } from './model-fixture.js';
import { startAlertingPrometheus, type AlertingPrometheus } from './prometheus-alerting.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook.js';

export const SHIPPED_THRESHOLDS = join(dirname(fileURLToPath(import.meta.url)), '../../alert-rules/thresholds.yaml');

/**
 * The shipped thresholds with every `for:` at `forDuration` and every rate window at
 * `rateWindow` (≥ 4 scrapes of 1 s), MLWatchDown after 1 s, gauges held `gaugeHold` through
 * failed scrapes (longer than MLWatchDown's 1 s plus a 1 s scrape and evaluation, with room
 * for a loaded machine), and the stale-model age out of reach: the fixture model was deployed
 * on 2026-11-01, which the shipped 30 d limit reaches on the calendar, not because of
 * anything a test does.
 */
export function testThresholds(forDuration = '3s', rateWindow = '15s', gaugeHold = '15s'): AlertThresholds {
  const t = withTimings(loadThresholds(SHIPPED_THRESHOLDS), { for: forDuration, rate_window: rateWindow, gauge_hold: gaugeHold });
  t.alerts.MLWatchDown = { ...t.alerts.MLWatchDown, for: '1s' };
  t.alerts.MLWatchModelStale = { ...t.alerts.MLWatchModelStale, max_age: '3650d' };
  return t;
}

export interface AlertStackOptions {
  thresholds: AlertThresholds;
  /** The fixture's drift window settings. */
  drift: Partial<DriftSettings>;
}

export interface AlertStack {
  fixture: ModelFixture;
  sidecar: Sidecar;
  /** The sidecar's metrics host:port: the `instance` label of its alerts. */
  instance: string;
  prometheus: AlertingPrometheus;
  alertmanager: RunningAlertmanager;
  webhook: WebhookReceiver;
  stop(): Promise<void>;
}

export async function startAlertStack(options: AlertStackOptions): Promise<AlertStack> {
  const dir = await mkdtemp(join(tmpdir(), 'mlwatch-e2e-'));
  const parts: Partial<AlertStack> = {};
  const stop = async (): Promise<void> => {
    // Each part stops even when another fails to.
    const results = await Promise.allSettled([parts.prometheus?.stop(), parts.alertmanager?.stop(), parts.webhook?.close(), parts.sidecar?.close()]);
    await parts.fixture?.cleanup();
    await rm(dir, { recursive: true, force: true });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    const rules = join(dir, 'mlwatch-alerts.rules.yml');
    await writeFile(rules, renderAlertRules(options.thresholds));
    parts.fixture = await createModelFixture({ drift: options.drift });
    parts.sidecar = await startSidecar(parts.fixture.config, {
      ingestListen: { host: '127.0.0.1', port: 0 },
      metricsListen: { host: '127.0.0.1', port: 0 },
      processMetrics: false,
      logger: pino({ level: 'silent' }),
    });
    const instance = new URL(parts.sidecar.metricsUrl).host;
    parts.webhook = await startWebhookReceiver();
    parts.alertmanager = await startAlertmanager({ config: testAlertmanagerConfig(await loadAlertmanagerConfig(), parts.webhook.url) });
    parts.prometheus = await startAlertingPrometheus({
      targets: [instance],
      job: options.thresholds.job,
      ruleFiles: [rules],
      alertmanagers: [parts.alertmanager.address],
    });
    await parts.prometheus.waitFor(`up{job="${options.thresholds.job}"}`, (r) => r.length === 1 && r[0].value === 1, 15_000);
    return { ...(parts as Required<Omit<AlertStack, 'instance' | 'stop'>>), instance, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** What makes a rendered annotation unreadable: template leftovers, missing values, Go format errors. */
export function unrenderedParts(text: string): string[] {
  return ['{{', '}}', '$labels', '$value', '<no value>', '%!', 'NaN'].filter((part) => text.includes(part));
}

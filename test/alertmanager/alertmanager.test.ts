// The shipped Alertmanager config running in a real Alertmanager, with its timings shortened
// and its webhooks pointed at a receiver in this process (both in memory). Alerts are posted
// to the v2 API the way Prometheus posts them, so routing, grouping, inhibition and resolution
// are checked end to end without a Prometheus; test/e2e/ adds Prometheus and mlwatch.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_BIN,
  ALERTMANAGER_PACKAGE,
  loadAlertmanagerConfig,
  startAlertmanager,
  testAlertmanagerConfig,
  type AlertmanagerConfig,
  type PostableAlert,
  type RunningAlertmanager,
} from '../support/alertmanager.js';
import { binaryGate, requireBinary } from '../support/prometheus.js';
import { hasAlert, startWebhookReceiver, type WebhookReceiver } from '../support/webhook.js';

const gate = binaryGate(ALERTMANAGER_BIN, ALERTMANAGER_PACKAGE);
requireBinary(gate, it);

// One group_interval of the test timings, plus slack: after it a notification that was
// going to be sent has been.
const SETTLE_MS = 3_000;

function alert(labels: Record<string, string>, annotations: Record<string, string> = {}): PostableAlert {
  return {
    labels,
    annotations: { summary: `${labels.alertname} summary`, ...annotations },
    startsAt: new Date().toISOString(),
    // Like Prometheus: valid for a few minutes unless re-sent or resolved.
    endsAt: new Date(Date.now() + 4 * 60_000).toISOString(),
    generatorURL: 'http://prometheus.test/graph',
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('testAlertmanagerConfig', () => {
  it('shortens every timing a route sets and points webhooks at the test receiver, path kept', async () => {
    const shipped = await loadAlertmanagerConfig();
    const config = testAlertmanagerConfig(shipped, 'http://127.0.0.1:4321');
    expect(config.route).toMatchObject({ group_wait: '1s', group_interval: '2s', repeat_interval: '1h' });
    const timings = (route: AlertmanagerConfig['route']): string[] => [
      ...[route.group_wait, route.group_interval, route.repeat_interval].filter((t): t is string => t !== undefined),
      ...(route.routes ?? []).flatMap(timings),
    ];
    expect(new Set(timings(config.route))).toEqual(new Set(['1s', '2s', '1h']));
    const urls = config.receivers.flatMap((r) => (r.webhook_configs ?? []).map((w) => w.url));
    expect(urls).toContain('http://127.0.0.1:4321/alerts/data-science-page');
    expect(urls.every((u) => u.startsWith('http://127.0.0.1:4321/alerts/'))).toBe(true);
    // The shipped object is untouched.
    expect(shipped.route.group_wait).toBe('30s');
  });
});

describe.skipIf(!gate.available)('the shipped config in a real Alertmanager', () => {
  let webhook: WebhookReceiver;
  let alertmanager: RunningAlertmanager;

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    alertmanager = await startAlertmanager({ config: testAlertmanagerConfig(await loadAlertmanagerConfig(), webhook.url) });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await webhook?.close();
  });

  it('delivers each team and severity to its own receiver', async () => {
    const cases = [
      { team: 'data-science', severity: 'critical', path: '/alerts/data-science-page' },
      { team: 'data-science', severity: 'warning', path: '/alerts/data-science-ticket' },
      { team: 'sre', severity: 'critical', path: '/alerts/sre-page' },
      { team: 'sre', severity: 'warning', path: '/alerts/sre-ticket' },
      { team: 'nobody', severity: 'critical', path: '/alerts/default' },
    ];
    await alertmanager.postAlerts(cases.map((c) => alert({ alertname: 'RoutingProbe', model: `route-${c.team}-${c.severity}`, team: c.team, severity: c.severity })));
    for (const c of cases) {
      const model = `route-${c.team}-${c.severity}`;
      const notification = await webhook.waitFor(hasAlert({ model }), 10_000, `the ${model} alert`);
      expect(notification.path, model).toBe(c.path);
      expect(notification.message.receiver, model).toBe(c.path.slice('/alerts/'.length));
    }
  });

  it('groups one model\'s alerts of one name into one notification', async () => {
    const labels = { alertname: 'MLWatchFeatureDriftWarning', team: 'data-science', severity: 'warning', model: 'grouped', job: 'mlwatch', instance: 'g:1' };
    await alertmanager.postAlerts([alert({ ...labels, feature: 'price' }), alert({ ...labels, feature: 'age' })]);
    const notification = await webhook.waitFor(hasAlert({ model: 'grouped' }), 10_000, 'the grouped drift warnings');
    expect(notification.message.groupLabels).toEqual({ alertname: 'MLWatchFeatureDriftWarning', job: 'mlwatch', model: 'grouped' });
    expect(notification.message.alerts.map((a) => a.labels.feature).sort()).toEqual(['age', 'price']);
  });

  it('mutes a drift warning under the critical of the same model, feature and instance only', async () => {
    const base = { team: 'data-science', model: 'inhibit-drift', job: 'mlwatch', instance: 'd:1' };
    await alertmanager.postAlerts([
      alert({ ...base, alertname: 'MLWatchFeatureDriftCritical', severity: 'critical', feature: 'price' }),
      alert({ ...base, alertname: 'MLWatchFeatureDriftWarning', severity: 'warning', feature: 'price' }),
      alert({ ...base, alertname: 'MLWatchFeatureDriftWarning', severity: 'warning', feature: 'age' }),
      alert({ ...base, alertname: 'MLWatchFeatureDriftWarning', severity: 'warning', feature: 'price', instance: 'd:2' }),
    ]);
    const warnings = await alertmanager.waitForAlerts(
      ['alertname="MLWatchFeatureDriftWarning"', 'model="inhibit-drift"'],
      (alerts) => alerts.length === 3 && alerts.every((a) => a.status.state !== 'unprocessed'),
    );
    const [critical] = await alertmanager.alerts(['alertname="MLWatchFeatureDriftCritical"', 'model="inhibit-drift"']);
    const state = (feature: string, instance: string) => warnings.find((a) => a.labels.feature === feature && a.labels.instance === instance)?.status;
    expect(state('price', 'd:1')).toMatchObject({ state: 'suppressed', inhibitedBy: [critical.fingerprint] });
    expect(state('age', 'd:1')).toMatchObject({ state: 'active', inhibitedBy: [] });
    expect(state('price', 'd:2')).toMatchObject({ state: 'active', inhibitedBy: [] });

    await webhook.waitFor(hasAlert({ model: 'inhibit-drift', alertname: 'MLWatchFeatureDriftCritical' }), 10_000, 'the drift critical');
    await webhook.waitFor(hasAlert({ model: 'inhibit-drift', alertname: 'MLWatchFeatureDriftWarning', feature: 'age' }), 10_000, 'the age warning');
    await sleep(SETTLE_MS);
    const delivered = webhook.alerts().filter(({ alert: a }) => a.labels.model === 'inhibit-drift' && a.labels.alertname === 'MLWatchFeatureDriftWarning');
    expect(delivered.map(({ alert: a }) => `${a.labels.feature}@${a.labels.instance}`).sort()).toEqual(['age@d:1', 'price@d:2']);
  });

  it('mutes every model alert of a down mlwatch instance, and nothing of other instances', async () => {
    const down = alert({ alertname: 'MLWatchDown', team: 'sre', severity: 'critical', job: 'mlwatch', instance: 'down:1' });
    const modelAlert = (instance: string, alertname: string, extra: Record<string, string> = {}) =>
      alert({ alertname, team: 'data-science', severity: 'warning', model: 'inhibit-down', job: 'mlwatch', instance, ...extra });
    await alertmanager.postAlerts([
      down,
      modelAlert('down:1', 'MLWatchFeatureNullRateHigh', { feature: 'price' }),
      modelAlert('down:1', 'MLWatchTrafficStopped', { team: 'sre' }),
      modelAlert('up:2', 'MLWatchFeatureNullRateHigh', { feature: 'price' }),
    ]);
    const alerts = await alertmanager.waitForAlerts(
      ['model="inhibit-down"'],
      (all) => all.length === 3 && all.every((a) => a.status.state !== 'unprocessed'),
    );
    const [source] = await alertmanager.alerts(['alertname="MLWatchDown"', 'instance="down:1"']);
    for (const a of alerts) {
      if (a.labels.instance === 'down:1') expect(a.status, a.labels.alertname).toMatchObject({ state: 'suppressed', inhibitedBy: [source.fingerprint] });
      else expect(a.status).toMatchObject({ state: 'active', inhibitedBy: [] });
    }
    expect(source.status.state).toBe('active');

    const page = await webhook.waitFor(hasAlert({ alertname: 'MLWatchDown', instance: 'down:1' }), 10_000, 'MLWatchDown');
    expect(page.path).toBe('/alerts/sre-page');
    await webhook.waitFor(hasAlert({ model: 'inhibit-down', instance: 'up:2' }), 10_000, 'the other instance\'s alert');
    await sleep(SETTLE_MS);
    expect(webhook.alerts().filter(({ alert: a }) => a.labels.model === 'inhibit-down' && a.labels.instance === 'down:1')).toEqual([]);
  });

  it('sends the resolution when the alert ends', async () => {
    const labels = { alertname: 'MLWatchFeatureNullRateHigh', team: 'data-science', severity: 'warning', model: 'resolving', feature: 'price', job: 'mlwatch', instance: 'r:1' };
    const firing = alert(labels, { description: 'price is null in 50% of shop events' });
    await alertmanager.postAlerts([firing]);
    const fired = await webhook.waitFor(hasAlert({ model: 'resolving' }), 10_000, 'the firing alert');
    expect(fired.message.alerts[0].annotations.description).toBe('price is null in 50% of shop events');
    await alertmanager.postAlerts([{ ...firing, endsAt: new Date().toISOString() }]);
    const resolved = await webhook.waitFor(hasAlert({ model: 'resolving' }, 'resolved'), 10_000, 'the resolution');
    expect(resolved.message.status).toBe('resolved');
    expect(resolved.path).toBe('/alerts/data-science-ticket');
  });

  it('stop() ends Alertmanager and removes its temp dir', async () => {
    const second = await startAlertmanager({ config: testAlertmanagerConfig(await loadAlertmanagerConfig(), webhook.url) });
    expect(existsSync(second.dir)).toBe(true);
    await second.stop();
    expect(existsSync(second.dir)).toBe(false);
    await expect(fetch(`${second.url}/-/ready`)).rejects.toThrow();
  });
});

// End to end, for real: a model server's traffic through mlwatch, Prometheus (1 s scrape
// and evaluation, the shipped alert rules with test timings), Alertmanager (the shipped
// config, shortened) to a webhook in this process. Undrifted traffic raises nothing; a
// milliseconds→seconds unit change on price (values ÷1000) pages data science with the
// model and feature named; restoring the traffic resolves it.
//
// Timings: the drift window is 6 s in 3 sub-windows, so drifted values leave it within
// ~8 s; `for:` is 3 s; Alertmanager waits 1 s before a group's first notification and 2 s
// between updates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL, eventGenerator } from '../support/model-fixture.js';
import { ALERTMANAGER_BIN, ALERTMANAGER_PACKAGE } from '../support/alertmanager.js';
import { startAlertStack, testThresholds, unrenderedParts, type AlertStack } from '../support/alert-stack.js';
import { PROMETHEUS_BIN, binaryGate, requireBinary } from '../support/prometheus.js';
import { UNCHANGED, startTraffic, unitChange, type Traffic } from '../support/traffic.js';
import { hasAlert } from '../support/webhook.js';

const prometheusGate = binaryGate(PROMETHEUS_BIN, 'prometheus');
const alertmanagerGate = binaryGate(ALERTMANAGER_BIN, ALERTMANAGER_PACKAGE);
requireBinary(prometheusGate, it);
requireBinary(alertmanagerGate, it);

const FOR_SECONDS = 3;
// 200 events/s: ~1000 values in the window, so undrifted Jensen-Shannon stays near 0.05, under
// both its threshold (0.1) and its noise level.
const DRIFT = { window_seconds: 6, sub_windows: 3, min_samples: 300, compute_interval_seconds: 1 };
const CRITICAL = 'MLWatchFeatureDriftCritical';
const WARNING = 'MLWatchFeatureDriftWarning';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.skipIf(!prometheusGate.available || !alertmanagerGate.available)('a drifting feature, from mlwatch to the webhook and back', () => {
  let stack: AlertStack;
  let traffic: Traffic;

  beforeAll(async () => {
    stack = await startAlertStack({ thresholds: testThresholds(`${FOR_SECONDS}s`, '15s'), drift: DRIFT });
    traffic = startTraffic(stack.sidecar.ingestUrl, eventGenerator(11));
  });

  afterAll(async () => {
    await traffic?.stop().catch(() => undefined);
    await stack?.stop();
  });

  it('raises no alert on undrifted traffic once the drift window is full', async () => {
    await stack.prometheus.waitFor('mlwatch_feature_drift{method="jensen_shannon"}', (r) => r.length === 4, 20_000);
    // The reference has noise levels: they are exported beside every score.
    await stack.prometheus.waitFor('mlwatch_feature_drift_noise{method="jensen_shannon"}', (r) => r.length === 4, 10_000);
    // Held past every `for:` with drift exported, so a pending alert would have fired.
    await sleep((FOR_SECONDS + 3) * 1000);
    const js = await stack.prometheus.query('mlwatch_feature_drift{method="jensen_shannon"}');
    expect(js.every((s) => s.value < 0.1), JSON.stringify(js.map((s) => [s.metric.feature, s.value]))).toBe(true);
    expect(await stack.prometheus.alerts()).toEqual([]);
    expect(stack.webhook.notifications).toEqual([]);
  });

  it('pages data science when price arrives in seconds instead of milliseconds, naming model and feature', async () => {
    await traffic.set(unitChange('price'));
    const page = await stack.webhook.waitFor(hasAlert({ alertname: CRITICAL, feature: 'price' }), 25_000, `${CRITICAL} for price`);
    expect(page.path).toBe('/alerts/data-science-page');
    expect(page.message.groupLabels).toEqual({ alertname: CRITICAL, job: 'mlwatch', model: MODEL });
    const alert = page.message.alerts.find((a) => a.labels.feature === 'price');
    expect(alert?.labels).toEqual({
      alertname: CRITICAL,
      severity: 'critical',
      team: 'data-science',
      job: 'mlwatch',
      instance: stack.instance,
      model: MODEL,
      feature: 'price',
      method: 'jensen_shannon',
    });
    const description = alert?.annotations.description ?? '';
    expect(unrenderedParts(description)).toEqual([]);
    expect(description).toMatch(new RegExp(`^Feature price of model ${MODEL} on ${stack.instance.replace(/\./g, '\\.')} drifted`));
    // The score as the description states it: far above twice the 0.1 Jensen-Shannon threshold.
    expect(Number(/jensen_shannon (\d+(?:\.\d+)?)/.exec(description)?.[1])).toBeGreaterThanOrEqual(0.2);
    expect(alert?.annotations.runbook_url).toMatch(/docs\/runbook\.md#mlwatchfeaturedriftcritical$/);

    // Only price drifted: no other feature, and no other kind of alert.
    const firing = await stack.prometheus.alerts();
    expect(new Set(firing.map((a) => `${a.labels.alertname}/${a.labels.feature}`))).toEqual(new Set([`${CRITICAL}/price`, `${WARNING}/price`]));
    // The warning for the same feature is in Alertmanager, muted by the critical.
    const [critical] = await stack.alertmanager.alerts([`alertname="${CRITICAL}"`, 'feature="price"']);
    await stack.alertmanager.waitForAlerts(
      [`alertname="${WARNING}"`, 'feature="price"'],
      (alerts) => alerts.length === 1 && alerts[0].status.state === 'suppressed' && alerts[0].status.inhibitedBy.includes(critical.fingerprint),
      10_000,
    );
  });

  it('resolves once the traffic is restored and the drifted values have left the window', async () => {
    await traffic.set(UNCHANGED);
    const resolved = await stack.webhook.waitFor(hasAlert({ alertname: CRITICAL, feature: 'price' }, 'resolved'), 30_000, `${CRITICAL} resolved`);
    expect(resolved.path).toBe('/alerts/data-science-page');
    expect(resolved.message.status).toBe('resolved');
    await stack.prometheus.waitFor('ALERTS', (r) => r.length === 0, 10_000);
    await stack.alertmanager.waitForAlerts([`alertname=~"${CRITICAL}|${WARNING}"`], (alerts) => alerts.length === 0, 10_000);
  });
});

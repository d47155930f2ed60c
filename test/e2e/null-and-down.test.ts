// End to end, for real (see drift-alert.test.ts for the stack): a null surge on a feature
// reaches data science as MLWatchFeatureNullRateHigh; then mlwatch stops, MLWatchDown pages
// SRE, and Alertmanager mutes that instance's model alerts. The model alert that proves it
// is one that starts with the outage: age arrives as strings just before mlwatch stops, and
// MLWatchFeatureTypeErrors fires after MLWatchDown, from the samples still in its rate
// window. It reaches Alertmanager and is never delivered. The null-rate alert, firing when
// mlwatch stops, is never delivered as resolved: its level's gauges are held through the
// failed scrapes (gauge_hold), so it still fires when the page goes out, and it resolves
// only once the hold lapses, muted.
//
// Timings: every `for:` 3 s but MLWatchDown's 1 s and the type errors' 8 s (so it fires
// after MLWatchDown); rate windows 20 s, so rates stay computable ~18 s after the last scrape;
// gauges held 15 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL, eventGenerator } from '../support/model-fixture.js';
import { ALERTMANAGER_BIN, ALERTMANAGER_PACKAGE } from '../support/alertmanager.js';
import { startAlertStack, testThresholds, unrenderedParts, type AlertStack } from '../support/alert-stack.js';
import { PROMETHEUS_BIN, binaryGate, requireBinary } from '../support/prometheus.js';
import { nullSurge, startTraffic, type EventTransform, type Traffic } from '../support/traffic.js';
import { hasAlert } from '../support/webhook.js';

const prometheusGate = binaryGate(PROMETHEUS_BIN, 'prometheus');
const alertmanagerGate = binaryGate(ALERTMANAGER_BIN, ALERTMANAGER_PACKAGE);
requireBinary(prometheusGate, it);
requireBinary(alertmanagerGate, it);

const NULL_RATE = 'MLWatchFeatureNullRateHigh';
const TYPE_ERRORS = 'MLWatchFeatureTypeErrors';
const DRIFT = { window_seconds: 6, sub_windows: 3, min_samples: 300, compute_interval_seconds: 1 };
// A group's update goes out within group_interval (2 s): after this, what was to be sent was.
const SETTLE_MS = 3_000;

function thresholds() {
  const t = testThresholds('3s', '20s');
  t.alerts.MLWatchFeatureTypeErrors = { ...t.alerts.MLWatchFeatureTypeErrors, for: '8s' };
  return t;
}

/** Every event carries `feature` as a string: a type error (mlwatch never coerces). */
function asString(feature: string): EventTransform {
  return (event) => ({ ...event, features: { ...event.features, [feature]: String(event.features[feature]) } });
}

function both(first: EventTransform, second: EventTransform): EventTransform {
  return (event, index) => second(first(event, index), index);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.skipIf(!prometheusGate.available || !alertmanagerGate.available)('a null surge, then mlwatch down', () => {
  let stack: AlertStack;
  let traffic: Traffic;

  beforeAll(async () => {
    stack = await startAlertStack({ thresholds: thresholds(), drift: DRIFT });
    traffic = startTraffic(stack.sidecar.ingestUrl, eventGenerator(12));
    // Enough clean traffic scraped for the min_count guards.
    await stack.prometheus.waitFor('increase(mlwatch_predictions_total[20s]) >= 200', (r) => r.length === 1, 15_000);
  });

  afterAll(async () => {
    await traffic?.stop().catch(() => undefined);
    await stack?.stop();
  });

  it('tells data science when price is null in half the events', async () => {
    expect(await stack.prometheus.alerts()).toEqual([]);
    await traffic.set(nullSurge('price', 0.5));
    const ticket = await stack.webhook.waitFor(hasAlert({ alertname: NULL_RATE, feature: 'price' }), 30_000, `${NULL_RATE} for price`);
    expect(ticket.path).toBe('/alerts/data-science-ticket');
    const [alert] = ticket.message.alerts;
    expect(alert.labels).toEqual({
      alertname: NULL_RATE,
      severity: 'warning',
      team: 'data-science',
      job: 'mlwatch',
      instance: stack.instance,
      model: MODEL,
      feature: 'price',
    });
    const description = alert.annotations.description;
    expect(unrenderedParts(description)).toEqual([]);
    expect(description).toMatch(new RegExp(`^Feature price of model ${MODEL} on ${stack.instance.replace(/\./g, '\\.')} was null or absent in `));
    // The share as of firing: half the events since the surge, over a 20 s window partly before it.
    const percent = Number(/absent in (\d+(?:\.\d+)?)%/.exec(description)?.[1]);
    expect(percent).toBeGreaterThanOrEqual(5);
    expect(percent).toBeLessThanOrEqual(50);
    // Only price: no other feature, no other alert.
    const active = await stack.prometheus.alerts();
    expect(active.map((a) => `${a.labels.alertname}/${a.labels.feature}`)).toEqual([`${NULL_RATE}/price`]);
  });

  it('pages SRE when mlwatch stops, and mutes that instance\'s model alerts: one starting with the outage is never delivered', async () => {
    await traffic.set(both(nullSurge('price', 0.5), asString('age')));
    await stack.prometheus.waitFor('mlwatch_feature_type_errors_total{feature="age"} >= 300', (r) => r.length === 1, 10_000);
    await traffic.stop();
    const outageStart = Date.now();
    await stack.sidecar.close();

    const page = await stack.webhook.waitFor(hasAlert({ alertname: 'MLWatchDown', instance: stack.instance }), 15_000, 'MLWatchDown');
    // The null-rate alert still fires on its held level, past the first failed scrapes.
    const nullRate = (await stack.prometheus.alerts()).filter((a) => a.labels.alertname === NULL_RATE);
    expect(nullRate.map((a) => [a.labels.feature, a.state])).toEqual([['price', 'firing']]);
    // No model alert went out resolved before the page: the all-clear that was no news.
    const resolvedBeforePage = resolvedModelAlerts(outageStart).filter(({ notification }) => notification.receivedAt <= page.receivedAt);
    expect(resolvedBeforePage).toEqual([]);
    expect(page.path).toBe('/alerts/sre-page');
    const [down] = page.message.alerts;
    expect(down.labels).toEqual({ alertname: 'MLWatchDown', severity: 'critical', team: 'sre', job: 'mlwatch', instance: stack.instance });
    expect(unrenderedParts(down.annotations.description)).toEqual([]);
    expect(down.annotations.description).toContain(`mlwatch at ${stack.instance} (job mlwatch)`);
    const [source] = await stack.alertmanager.alerts(['alertname="MLWatchDown"']);

    // The type-error alert fires during the outage (its 8 s `for:` ends after MLWatchDown's 1 s) and reaches Alertmanager muted.
    const [typeErrors] = await stack.alertmanager.waitForAlerts([`alertname="${TYPE_ERRORS}"`, 'feature="age"'], (alerts) => alerts.length === 1, 20_000);
    expect(typeErrors.labels).toMatchObject({ model: MODEL, feature: 'age', instance: stack.instance });
    expect(typeErrors.status).toEqual({ state: 'suppressed', inhibitedBy: [source.fingerprint], silencedBy: [] });
    // So is every other model alert Alertmanager holds for the instance, whatever the stale samples raised.
    const modelAlerts = (await stack.alertmanager.alerts()).filter((a) => a.labels.model !== undefined);
    for (const a of modelAlerts) {
      expect(a.status, `${a.labels.alertname} ${a.labels.feature ?? ''}`).toEqual({ state: 'suppressed', inhibitedBy: [source.fingerprint], silencedBy: [] });
    }

    await sleep(SETTLE_MS);
    expect(stack.webhook.alerts().filter(({ alert }) => alert.labels.alertname === TYPE_ERRORS)).toEqual([]);
    // Since the page, no model alert went out firing.
    const firingSincePage = stack.webhook
      .alerts()
      .filter(({ alert, notification }) => notification.receivedAt > page.receivedAt && alert.status === 'firing' && alert.labels.model !== undefined);
    expect(firingSincePage.map(({ alert }) => alert.labels.alertname)).toEqual([]);

    // Once the hold lapses the null-rate alert resolves in Prometheus, muted in Alertmanager:
    // no model alert was delivered resolved during the outage at all.
    await stack.prometheus.waitFor(`ALERTS{alertname="${NULL_RATE}"}`, (r) => r.length === 0, 25_000);
    await sleep(SETTLE_MS);
    expect(resolvedModelAlerts(outageStart)).toEqual([]);
  });

  /** Model alerts delivered resolved since `since` (ms), as "alertname/feature". */
  function resolvedModelAlerts(since: number): { name: string; notification: { receivedAt: number } }[] {
    return stack.webhook
      .alerts()
      .filter(({ alert, notification }) => notification.receivedAt >= since && alert.status === 'resolved' && alert.labels.model !== undefined)
      .map(({ alert, notification }) => ({ name: `${alert.labels.alertname}/${alert.labels.feature ?? ''}`, notification: { receivedAt: notification.receivedAt } }));
  }
});

// Every panel query returns data from a real Prometheus that scraped a live mlwatch:
// the fixture model "shop" gets undrifted traffic, then a steady trickle of drifted events
// mixed with data-quality problems and rejected envelopes (as a model server would keep
// sending), with the shipped alert rules loaded so ALERTS has pending or firing mlwatch
// alerts. The target carries a namespace label, as Kubernetes discovery adds it. Variables
// are replaced the way Grafana does, with $__rate_interval at 4s (what Grafana computes for a
// 1 s scrape interval, 4 x scrape, on short ranges), the target variables at All (".*") and
// again at this target's own job, namespace and instance; annotation queries included.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import {
  MODEL,
  createModelFixture,
  eventGenerator,
  postInBatches,
  postJson,
  postLabels,
  postNdjson,
  problemEvents,
  shopLabel,
  type ModelFixture,
  type PredictionEvent,
} from '../support/model-fixture.js';
import { PROMETHEUS_BIN, binaryGate, requireBinary, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { queryCases, type QueryCase } from './dashboards.js';

const gate = binaryGate(PROMETHEUS_BIN, 'prometheus');
requireBinary(gate, it);

const RULES_DIR = join(import.meta.dirname, '..', '..', 'alert-rules');
const FEATURES = ['price', 'age', 'country', 'returning'];
const METHODS = ['psi', 'jensen_shannon', 'wasserstein_normalized', 'ks', 'chi2_pvalue', 'chebyshev'];
const TRICKLE_MS = 250;
const M = `model="${MODEL}"`;

const NAMESPACE = 'ml-prod';
/** A year back: the fixture's deploy and reference times are fixed dates. */
const RANGE = { from: Date.now() - 365 * 86_400_000, to: Date.now() + 3_600_000 };
const cases = queryCases({ model: MODEL, features: FEATURES, methods: METHODS, rateInterval: '4s', range: RANGE });
const isAlertQuery = (c: QueryCase): boolean => c.expr.includes('ALERTS{');

/** The shipped rule files; Prometheus refuses to start on a broken one, which fails the test loudly. */
function shippedRuleFiles(): string[] {
  return readdirSync(RULES_DIR).filter((f) => f.endsWith('.rules.yml')).map((f) => join(RULES_DIR, f));
}

/** An alerting rule of the shipped alert-rules/mlwatch-alerts.rules.yml. */
function alertRule(name: string): { alert: string; expr: string } {
  const doc = load(readFileSync(join(RULES_DIR, 'mlwatch-alerts.rules.yml'), 'utf8')) as { groups: { rules: { alert?: string; expr: string }[] }[] };
  const rule = doc.groups.flatMap((g) => g.rules).find((r) => r.alert === name);
  if (rule === undefined) throw new Error(`no alert ${name} in the shipped rules`);
  return { alert: name, expr: rule.expr };
}

describe.skipIf(!gate.available)('every dashboard query returns data from a live mlwatch', () => {
  let fixture: ModelFixture;
  let sidecar: Sidecar;
  let prometheus: RunningPrometheus;
  let ruleFiles: string[] = [];
  let trickle: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  const generator = eventGenerator(31);

  let pairs = 0;
  const labelRandom = ((seed) => () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31))(7);
  /** Labels for the paired requests, drawn from their score (the score is the true probability). */
  function labelsFor(events: unknown[]): { id: string; label: string }[] {
    const out: { id: string; label: string }[] = [];
    for (const e of events as { id?: string; variant?: string; prediction: { score: number } }[]) {
      if (e.id !== undefined && e.variant === undefined) out.push({ id: e.id, label: shopLabel(e.prediction.score, labelRandom) });
    }
    return out;
  }
  /** The same requests scored by the champion and by a shadow (same ids), and a share of canary traffic. */
  function variantTraffic(events: PredictionEvent[]): unknown[] {
    return events.flatMap((event, i): Record<string, unknown>[] => {
      if (i % 3 === 0) return [{ ...event, variant: 'canary' }];
      const id = `pair-${pairs++}`;
      return [{ ...event, id }, { ...event, id, variant: 'shadow', prediction: { score: Math.min(1, event.prediction.score * 1.1) } }];
    });
  }

  /** Drifted events with every kind of problem, rejected envelopes and a NaN price: the "bad day" traffic. */
  function sendTrickle(): Promise<unknown> {
    const problems = problemEvents(generator);
    const drifted = generator.drifted(12);
    const nanPrice = JSON.stringify(drifted[0]).replace(/"price":[0-9.]+/, '"price":NaN');
    const traffic = variantTraffic(drifted.slice(1));
    return Promise.all([
      postJson(sidecar.ingestUrl, [...traffic, ...problems.accepted, ...problems.rejected]).then(() => postLabels(sidecar.ingestUrl, labelsFor(traffic))),
      postNdjson(sidecar.ingestUrl, [nanPrice]),
    ]);
  }

  beforeAll(async () => {
    fixture = await createModelFixture({
      // A labelled reference: reference performance, calibration and the label-free estimate.
      labelled: true,
      drift: { window_seconds: 60, sub_windows: 6, min_samples: 100, compute_interval_seconds: 1 },
      // Slices, so the segment and variant panels have series to show.
      modelYaml: '    segments:\n      - { feature: country }\n    variants: { names: [champion, canary, shadow], shadows: [shadow] }\n',
    });
    sidecar = await startSidecar(fixture.config, {
      ingestListen: { host: '127.0.0.1', port: 0 },
      metricsListen: { host: '127.0.0.1', port: 0 },
      processMetrics: false,
      logger: pino({ level: 'silent' }),
    });
    ruleFiles = shippedRuleFiles();
    expect(ruleFiles.length).toBeGreaterThan(0);
    prometheus = await startPrometheus({ targets: [new URL(sidecar.metricsUrl).host], targetLabels: { namespace: NAMESPACE }, ruleFiles });
    const undrifted = variantTraffic(generator.undrifted(450));
    await postInBatches(sidecar.ingestUrl, undrifted as PredictionEvent[]);
    expect(await postLabels(sidecar.ingestUrl, labelsFor(undrifted))).toBe(200);
    trickle = setInterval(() => {
      inFlight = inFlight.then(sendTrickle).catch((error: unknown) => console.warn(`trickle post failed: ${String(error)}`));
    }, TRICKLE_MS);
    // Drift is decided (and exported) once the window holds min_samples and the drifted share shows.
    await prometheus.waitFor(`mlwatch_feature_drifted{${M},feature="price"} == 1`, (r) => r.length === 1, 30_000);
    await prometheus.waitFor(`mlwatch_segment_feature_drifted{${M},feature="price"} == 1`, (r) => r.length > 0, 30_000);
    await prometheus.waitFor(`mlwatch_performance{${M},metric="accuracy"}`, (r) => r.length === 1, 10_000);
    await prometheus.waitFor(`mlwatch_estimated_performance_lower{${M},metric="accuracy"}`, (r) => r.length === 1, 10_000);
    // Two scrapes of the trickle inside the rate window, so rates see it.
    const now = Date.now() / 1000;
    await prometheus.waitFor(`timestamp(mlwatch_model_info{${M}})`, (r) => r.length === 1 && r[0].value > now + 1.5, 10_000);
    await prometheus.waitFor('ALERTS{alertname=~"MLWatch.*"}', (r) => r.length > 0, 10_000);
  }, 55_000);

  /** An instant query at a given time, so two queries read the same samples. */
  async function instantAt(expr: string, time: number): Promise<{ metric: Record<string, string>; value: number }[]> {
    const response = await fetch(`${prometheus.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr, time: String(time) }).toString(),
    });
    const body = (await response.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  afterAll(async () => {
    if (trickle) clearInterval(trickle);
    await inFlight;
    await prometheus?.stop();
    await sidecar?.close();
    await fixture?.cleanup();
  });

  /** The cases again with the target variables at this target's own values, as a user picks one replica. */
  function targetCases(): QueryCase[] {
    const target = { job: 'mlwatch', namespace: NAMESPACE, instance: new URL(sidecar.metricsUrl).host };
    return queryCases({ model: MODEL, features: FEATURES, methods: METHODS, rateInterval: '4s', range: RANGE, target });
  }

  it('covers every panel and annotation query, repeated panels once per feature or method', () => {
    expect(cases.length).toBeGreaterThan(40);
    expect(cases.some((c) => c.binding === 'feature=country')).toBe(true);
    expect(cases.filter((c) => c.refId === 'annotation').length).toBe(16); // 4 annotations on each of 4 dashboards
  });

  it.each(['All', 'this target'])('every non-ALERTS query returns at least one series, with a number in it (not only NaN), target variables at %s', async (which) => {
    const empty: string[] = [];
    for (const c of (which === 'All' ? cases : targetCases()).filter((c) => !isAlertQuery(c))) {
      const result = await prometheus.query(c.expr);
      if (!result.some((s) => Number.isFinite(s.value))) {
        empty.push(`${c.dashboard} / ${c.panel} ${c.refId} (${c.binding}): ${result.length} series: ${c.expr}`);
      }
    }
    expect(empty).toEqual([]);
  });

  it('the target variables filter: another namespace, job or instance gets no mlwatch series', async () => {
    const other = queryCases({ model: MODEL, features: FEATURES, methods: METHODS, rateInterval: '4s', range: RANGE, target: { job: 'mlwatch', namespace: 'ml-staging', instance: '.*' } });
    const leaking: string[] = [];
    for (const c of other.filter((c) => !isAlertQuery(c) && !c.expr.includes('vector(0)'))) {
      if ((await prometheus.query(c.expr)).length > 0) leaking.push(`${c.dashboard} / ${c.panel} ${c.refId}: ${c.expr}`);
    }
    expect(leaking).toEqual([]);
  });

  it.each(['All', 'this target'])('the ALERTS queries return the pending or firing mlwatch alerts, target variables at %s', async (which) => {
    const alerts = await prometheus.query('ALERTS{alertname=~"MLWatch.*"}');
    console.info(`mlwatch alerts: ${alerts.map((a) => `${a.metric.alertname}${a.metric.feature ? `/${a.metric.feature}` : ''} ${a.metric.alertstate}`).join(', ')}`);
    const empty: string[] = [];
    for (const c of (which === 'All' ? cases : targetCases()).filter(isAlertQuery)) {
      // The alerts annotation asks for firing ones only; the rules here may still be pending.
      if (c.panel === 'annotation mlwatch alerts firing') continue;
      if ((await prometheus.query(c.expr)).length === 0) empty.push(`${c.dashboard} / ${c.panel} ${c.refId}: ${c.expr}`);
    }
    expect(empty).toEqual([]);
  });

  it('says since when each alert is active: ALERTS_FOR_STATE, in the past, for as long as the table says', async () => {
    const table = cases.filter((c) => c.panel === 'mlwatch alerts firing or pending');
    const [since, age] = await Promise.all(['A', 'B'].map((ref) => prometheus.query(table.find((c) => c.refId === ref)?.expr ?? '')));
    expect(since.length).toBeGreaterThan(0);
    const now = Date.now();
    for (const s of since) {
      expect(s.metric.alertstate).toMatch(/^(pending|firing)$/);
      expect(s.value).toBeLessThanOrEqual(now + 1000);
      expect(s.value).toBeGreaterThan(now - 120_000); // the alerts began in this test
      const twin = age.find((a) => a.metric.alertname === s.metric.alertname && a.metric.feature === s.metric.feature && a.metric.instance === s.metric.instance);
      expect(twin?.value).toBeGreaterThanOrEqual(0);
    }
  });

  it('the out-of-range panel divides by the same denominator as MLWatchFeatureOutOfRange', async () => {
    const rule = alertRule('MLWatchFeatureOutOfRange');
    const ratio = /\(\s*(sum by \([^)]*\) \(rate\(\w+\[\w+\]\)\))\s*\/\s*(sum by \([^)]*\) \(rate\(\w+\[\w+\]\)\))\s*\)/.exec(rule.expr);
    expect(ratio, rule.expr).not.toBeNull();
    // The alert's own ratio, over the panel's window and grouping (one target: summing instances changes nothing).
    const alertRatio = `${(ratio?.[1] ?? '').replace(/\[\w+\]/, '[4s]')} / ${(ratio?.[2] ?? '').replace(/\[\w+\]/, '[4s]')}`.replaceAll('job, instance, model, feature', 'model, feature');
    const panel = cases.find((c) => c.panel === 'Out-of-range rate by feature' && c.refId === 'A');
    // A loaded machine can leave a 4 s window without two scrapes of an out-of-range value:
    // compare at the latest second where the alert's ratio is positive (the trickle keeps sending).
    let expected: Awaited<ReturnType<typeof instantAt>> = [];
    let shown: typeof expected = [];
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      const at = Math.floor(Date.now() / 1000) - 1;
      [expected, shown] = await Promise.all([instantAt(alertRatio, at), instantAt(panel?.expr ?? '', at)]);
      if (expected.some((s) => s.value > 0)) break;
    }
    const key = (m: Record<string, string>): string => `${m.model}/${m.feature}`;
    expect(shown.map((s) => key(s.metric)).sort()).toEqual(expected.map((s) => key(s.metric)).sort());
    expect(expected.some((s) => s.value > 0)).toBe(true); // the trickle sends out-of-range values
    for (const s of shown) {
      const e = expected.find((x) => key(x.metric) === key(s.metric));
      if (Number.isNaN(e?.value)) expect(s.value).toBeNaN();
      else expect(s.value).toBeCloseTo(e?.value ?? NaN, 12);
    }
  });

  it('live and reference distributions each sum to 1 over the same bins', async () => {
    for (const feature of ['price', 'country', 'returning']) {
      const distribution = cases.filter((c) => c.panel.startsWith('Distribution of') && c.binding === `feature=${feature}`);
      const [live, reference] = await Promise.all(['A', 'B'].map((ref) => prometheus.query(distribution.find((c) => c.refId === ref)?.expr ?? '')));
      const total = (r: typeof live): number => r.reduce((sum, s) => sum + s.value, 0);
      expect({ feature, live: total(live) }).toEqual({ feature, live: expect.closeTo(1, 6) });
      expect({ feature, reference: total(reference) }).toEqual({ feature, reference: expect.closeTo(1, 6) });
      expect(live.map((s) => s.metric.bin).sort()).toEqual(reference.map((s) => s.metric.bin).sort());
      expect(live.every((s) => s.value >= -1e-9)).toBe(true);
      // Numeric bins carry a finite sort key for Grafana (+Inf as 1e308); categories none.
      const orders = live.map((s) => s.metric.order);
      if (feature === 'price') expect(orders.every((o) => Number.isFinite(Number(o)))).toBe(true);
      else expect(orders.every((o) => o === undefined)).toBe(true);
    }
  });
});

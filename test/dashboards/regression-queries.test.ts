// The performance dashboard for a regression, on a real Prometheus that scraped a live mlwatch
// and evaluated the shipped rules: with the metric variable at mae or rmse, every panel query
// returns a number (realised from joined labels, the label-free estimate with its band, the
// reference's value and spread), and the estimated-error recording rules record one.
import { mkdtemp, rm } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReference } from '../../src/reference/io.js';
import { seededRandom } from '../../src/reference/seeded-random.js';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import { regressionRow, regressionSetup } from '../monitor/regression-world.js';
import { postNdjson } from '../support/model-fixture.js';
import { PROMETHEUS_BIN, binaryGate, requireBinary, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { queryCases } from './dashboards.js';

const RULES_DIR = join(import.meta.dirname, '..', '..', 'alert-rules');
const MODEL = 'demand';
const gate = binaryGate(PROMETHEUS_BIN, 'prometheus');
requireBinary(gate, it);

describe.skipIf(!gate.available)('the performance dashboard for a regression', () => {
  let dir: string;
  let sidecar: Sidecar;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlwatch-regression-dashboard-'));
    const { config, reference } = await regressionSetup(dir, 6000);
    await writeReference(join(dir, 'reference.json'), reference);
    sidecar = await startSidecar(config, {
      ingestListen: { host: '127.0.0.1', port: 0 },
      metricsListen: { host: '127.0.0.1', port: 0 },
      processMetrics: false,
      logger: pino({ level: 'silent' }),
    });
    const ruleFiles = readdirSync(RULES_DIR).filter((f) => f.endsWith('.rules.yml')).map((f) => join(RULES_DIR, f));
    prometheus = await startPrometheus({ targets: [new URL(sidecar.metricsUrl).host], ruleFiles });
    // Predictions with ids (shifted inputs), then their numeric labels.
    const random = seededRandom(21);
    const rows = Array.from({ length: 600 }, (_, i) => ({ id: `r-${i}`, ...regressionRow(random, 0.8) }));
    const lines = rows.map((r, i) => JSON.stringify({ id: r.id, features: { x: r.x, region: r.region }, prediction: r.prediction, ...(i % 5 === 0 ? { variant: 'canary' } : {}) }));
    const answer = await postNdjson(sidecar.ingestUrl, lines, MODEL);
    expect(answer.rejected).toBe(0);
    const labels = await fetch(`${sidecar.ingestUrl}/v1/models/${MODEL}/labels`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: rows.map((r) => JSON.stringify({ id: r.id, label: r.label })).join('\n'),
    });
    expect(((await labels.json()) as { joined: number }).joined).toBe(rows.length);
    await prometheus.waitFor(`mlwatch_performance{model="${MODEL}",metric="mae"}`, (r) => r.length === 1, 20_000);
    await prometheus.waitFor(`mlwatch_estimated_performance_lower{model="${MODEL}",metric="mae"}`, (r) => r.length === 1, 20_000);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await sidecar?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(['mae', 'rmse'])('every query of the metric-variable panels returns a number, metric = %s', async (metric) => {
    const cases = queryCases({ model: MODEL, features: ['x', 'region'], methods: ['psi'], rateInterval: '4s', metric }).filter((c) => c.expr.includes(`metric="${metric}"`));
    expect(cases.length).toBeGreaterThanOrEqual(8);
    const empty: string[] = [];
    for (const c of cases) {
      const result = await prometheus.query(c.expr);
      if (!result.some((s) => Number.isFinite(s.value))) empty.push(`${c.dashboard} / ${c.panel} ${c.refId}: ${c.expr}`);
    }
    expect(empty).toEqual([]);
  });

  it('the recording rules record the estimated MAE and RMSE over the range', async () => {
    // The counters' first sample already held the first batch: a second one makes their increase.
    const random = seededRandom(22);
    const more = Array.from({ length: 300 }, () => regressionRow(random, 0.8));
    const answer = await postNdjson(sidecar.ingestUrl, more.map((r) => JSON.stringify({ features: { x: r.x, region: r.region }, prediction: r.prediction })), MODEL);
    expect(answer.rejected).toBe(0);
    for (const metric of ['mae', 'rmse']) {
      const [recorded] = await prometheus.waitFor(`model:mlwatch_estimated_performance_${metric}:ratio1h{model="${MODEL}"}`, (r) => r.length === 1, 20_000);
      expect(recorded.value).toBeGreaterThan(0);
      expect(Number.isFinite(recorded.value)).toBe(true);
    }
  });
});

// Every panel query parses as PromQL once Grafana has replaced the variables: each concrete
// query becomes a recording rule in a temp file and `promtool check rules` parses them all
// (Prometheus 2.42 has no /api/v1/parse_query). A deliberately broken query shows the
// check can fail.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMTOOL_BIN, binaryGate, requireBinary } from '../support/prometheus.js';
import { queryCases, type QueryCase } from './dashboards.js';

const run = promisify(execFile);
const gate = binaryGate(PROMTOOL_BIN, 'prometheus');
requireBinary(gate, it);

const cases = queryCases({
  model: 'shop',
  features: ['price', 'age', 'country', 'returning'],
  methods: ['psi', 'jensen_shannon', 'wasserstein_normalized', 'ks', 'chi2_pvalue', 'chebyshev'],
  rateInterval: '4s',
});

async function checkRules(dir: string, name: string, exprs: readonly string[]): Promise<{ ok: boolean; output: string }> {
  const file = join(dir, name);
  const rules = exprs.map((expr, i) => ({ record: `dashboard:query_${i}:check`, expr }));
  await writeFile(file, dump({ groups: [{ name: 'dashboards', rules }] }, { lineWidth: -1 }));
  try {
    const { stdout, stderr } = await run(PROMTOOL_BIN, ['check', 'rules', file]);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe.skipIf(!gate.available)('dashboard PromQL parses (promtool check rules)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlwatch-dashboard-promql-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has every query of every panel, repeated panels once per value', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  it('parses every query', async () => {
    const result = await checkRules(dir, 'all.rules.yml', cases.map((c) => c.expr));
    if (!result.ok) {
      // Check one by one to name the panel at fault.
      const bad: QueryCase[] = [];
      for (const [i, c] of cases.entries()) if (!(await checkRules(dir, `one-${i}.rules.yml`, [c.expr])).ok) bad.push(c);
      expect(bad.map((c) => `${c.dashboard} / ${c.panel} ${c.refId} (${c.binding}): ${c.expr}`), result.output).toEqual([]);
    }
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('rejects a query that does not parse', async () => {
    const result = await checkRules(dir, 'broken.rules.yml', ['sum by (model) (rate(mlwatch_predictions_total{model="shop"}[4s])']);
    expect(result.ok).toBe(false);
  });
});

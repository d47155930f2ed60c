// ROC AUC from the exported score-bin counters, as the recording rule
// model:mlwatch_performance_roc_auc computes it (alert-rules/performance.rules.yml):
// AUC = Σ_b pos_b · (below_b + neg_b / 2) / (Σ pos · Σ neg), with below_b read from
// mlwatch_label_score_negatives_below_total. Checked against a pairwise oracle on the raw
// (score, label) pairs binned on the exported bounds (a positive beats a negative in a lower
// bin, ties half within a bin), exact to 1e-12, on continuous, tie-heavy and one-sided data;
// and against the window gauge mlwatch_performance{metric="roc_auc"}.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExposition, selectSamples, type Sample } from '../../src/demo/scrape.js';
import type { Fleet } from '../../src/monitor/fleet.js';
import { MetricsRegistry, createCollectors } from '../../src/metrics/registry.js';
import { exactAuc } from '../stats/performance-oracle.js';
import { startIngestServer, type IngestServer } from '../support/ingest-server.js';
import { seededRandom } from '../support/synthetic-reference.js';

let server: IngestServer;
let base: string;
let fleet: Fleet;
const now = 1_000_000;

beforeEach(async () => {
  server = await startIngestServer({ label_ttl_seconds: 600, max_pending_labels: 10_000 }, () => now);
  ({ fleet, base } = server);
});
afterEach(() => server.close());

const post = (path: string, body: unknown[]) =>
  fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** Upper bound of a bin label ("+Inf" → Infinity). */
const bound = (text: string): number => (text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text));

/** The recording rule's formula on one scrape (a single replica: increase = the value). */
function ruleAuc(samples: readonly Sample[]): number {
  const bins = selectSamples(samples, 'mlwatch_label_score_bin_total', { model: 'shop' });
  const below = new Map(selectSamples(samples, 'mlwatch_label_score_negatives_below_total', { model: 'shop' }).map((s) => [s.labels.upper, s.value]));
  const negatives = new Map(bins.filter((s) => s.labels.positive === 'false').map((s) => [s.labels.upper, s.value]));
  let wins = 0;
  let positives = 0;
  for (const s of bins.filter((b) => b.labels.positive === 'true')) {
    wins += s.value * ((below.get(s.labels.upper) ?? NaN) + (negatives.get(s.labels.upper) ?? NaN) / 2);
    positives += s.value;
  }
  let totalNegatives = 0;
  for (const v of negatives.values()) totalNegatives += v;
  return wins / (positives * totalNegatives);
}

/** Pairwise oracle: the exact Mann-Whitney AUC of each score's bin on the exported upper bounds (ties within a bin half). */
function pairwiseBinnedAuc(scores: readonly number[], positive: readonly boolean[], uppers: readonly number[]): number {
  return exactAuc(scores.map((score) => uppers.findIndex((u) => score <= u)), positive);
}

const event = (id: string, score: number) => ({ id, features: { price: 100, country: 'DE', returning: true }, prediction: { score } });

const CASES: { name: string; score: (r: () => number, positive: boolean) => number }[] = [
  { name: 'continuous scores, informative', score: (r, p) => Math.min(1, Math.max(0, (p ? 0.62 : 0.4) + (r() - 0.5) * 0.7)) },
  { name: 'tie-heavy scores (three values)', score: (r, p) => [0.2, 0.5, 0.8][Math.floor(r() * 3 + (p ? 0.4 : 0)) % 3] },
  { name: 'scores rounded to 0.1', score: (r) => Math.round(r() * 10) / 10 },
];

describe('ROC AUC from the exported score bins (the recording rule\'s formula)', () => {
  for (const c of CASES) {
    it(`equals the pairwise binned AUC of the raw pairs, and the window gauge: ${c.name}`, async () => {
      const random = seededRandom(c.name.length * 7919);
      const scores: number[] = [];
      const positive: boolean[] = [];
      const predictions: unknown[] = [];
      const labels: unknown[] = [];
      for (let i = 0; i < 400; i++) {
        const isPositive = random() < 0.4;
        const score = c.score(random, isPositive);
        scores.push(score);
        positive.push(isPositive);
        predictions.push(event(`p${i}`, score));
        labels.push({ id: `p${i}`, label: isPositive ? 'yes' : 'no' });
      }
      let joined = 0;
      for (let at = 0; at < predictions.length; at += 50) {
        expect((await post('/v1/models/shop/predictions', predictions.slice(at, at + 50))).status).toBe(200);
        joined += ((await (await post('/v1/models/shop/labels', labels.slice(at, at + 50))).json()) as { joined: number }).joined;
      }
      expect(joined).toBe(400);

      const text = await new MetricsRegistry(createCollectors(fleet), pino({ level: 'silent' }), { processMetrics: false }).render();
      const samples = parseExposition(text);
      const uppers = selectSamples(samples, 'mlwatch_label_score_negatives_below_total', { model: 'shop' }).map((s) => bound(s.labels.upper));
      expect(uppers.length).toBeGreaterThan(2);
      expect(uppers[uppers.length - 1]).toBe(Infinity);

      // The running sum: below_b = Σ negatives of the bins under b.
      const negatives = selectSamples(samples, 'mlwatch_label_score_bin_total', { model: 'shop', positive: 'false' });
      const below = selectSamples(samples, 'mlwatch_label_score_negatives_below_total', { model: 'shop' });
      let running = 0;
      for (let b = 0; b < below.length; b++) {
        expect(below[b].value).toBe(running);
        running += negatives.find((n) => n.labels.upper === below[b].labels.upper)?.value ?? NaN;
      }
      expect(running).toBe(positive.filter((p) => !p).length);

      const auc = ruleAuc(samples);
      expect(Math.abs(auc - pairwiseBinnedAuc(scores, positive, uppers))).toBeLessThan(1e-12);
      const gauge = selectSamples(samples, 'mlwatch_performance', { model: 'shop', metric: 'roc_auc' })[0]?.value;
      expect(Math.abs(auc - (gauge ?? NaN))).toBeLessThan(1e-12);
    });
  }
});

// The README is part of the contract: its metric table lists exactly the metrics of
// src/metrics/definitions.ts (name, type, labels, meaning), and the series count it states
// for the bundled example is the count a scrape really has, with every label set filled:
// drift computed, more model versions than max_versions, categories outside the reference.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import { DEFAULT_SCHEDULE } from '../../src/demo/schedule.js';
import { TrafficGenerator, toNdjson, type PredictionEvent } from '../../src/demo/traffic.js';
import { METRICS } from '../../src/metrics/definitions.js';
import { buildReference } from '../../src/reference/build.js';
import { writeReference } from '../../src/reference/io.js';
import { startSidecar } from '../../src/serve/sidecar.js';
import { pino } from 'pino';

const ROOT = join(import.meta.dirname, '..', '..');
const README = join(ROOT, 'README.md');

interface Row {
  name: string;
  type: string;
  labels: string[];
  meaning: string;
}

async function metricRows(): Promise<Row[]> {
  const text = await readFile(README, 'utf8');
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    const match = /^\| `(mlwatch_[a-z0-9_]+)` \| (counter|gauge|histogram) \| ([^|]*) \| (.+) \|$/.exec(line);
    if (!match) continue;
    const labels = match[3].trim() === '' ? [] : match[3].split(',').map((l) => l.trim().replace(/`/g, ''));
    rows.push({ name: match[1], type: match[2], labels, meaning: match[4].replace(/\\\|/g, '|') });
  }
  return rows;
}

describe('README', () => {
  it('lists every metric of definitions.ts with its type, labels and meaning, and nothing else', async () => {
    const rows = await metricRows();
    const expected = Object.values(METRICS).map((d) => ({ name: d.name, type: d.type, labels: [...d.labels], meaning: d.help }));
    expect(rows).toEqual(expected);
  });

  it('states the series count of the example config that a full scrape really has', async () => {
    const text = await readFile(README, 'utf8');
    const stated = /example config exports at most \*\*(\d+) series\*\*/.exec(text);
    expect(stated, 'README must say: "the example config exports at most **N series**"').not.toBeNull();
    const dir = await mkdtemp(join(tmpdir(), 'mlwatch-readme-'));
    try {
      const config = await loadConfig(join(ROOT, 'examples', 'credit', 'mlwatch.yaml'));
      const model = config.models[0];
      model.reference = join(dir, 'reference.json');
      await writeReference(model.reference, await buildReference({ model, dataPath: join(ROOT, 'examples', 'credit', 'train.csv') }));
      const sidecar = await startSidecar(config, {
        ingestListen: { host: '127.0.0.1', port: 0 },
        metricsListen: { host: '127.0.0.1', port: 0 },
        processMetrics: false,
        logger: pino({ level: 'silent' }),
      });
      try {
        // Drifted traffic with faults (unseen categories, type errors, unknown fields), from
        // more versions than max_versions in every variant (an unknown one included), and at
        // least min_samples events in every segment value (an unseen and a missing channel
        // included), so every bounded label set is filled.
        const generator = new TrafficGenerator({ seed: 1, schedule: { ...DEFAULT_SCHEDULE, drift_after_seconds: 0, fault_rate: 0.2 } });
        const events: PredictionEvent[] = Array.from({ length: 2000 }, (_, i) => {
          const event = { ...generator.next(60, new Date()), id: `e${i}`, model_version: `v${i % 10}`, variant: ['champion', 'canary', 'beta'][i % 3] };
          if (i % 20 === 0) event.features = { ...event.features, channel: null };
          if (i % 20 === 1) event.features = { ...event.features, channel: 'fax' };
          return event;
        });
        const extra = [{ features: { country: 'ZZ', channel: 'fax', has_mortgage: 'maybe' }, prediction: { score: 0.3 } }];
        const response = await fetch(`${sidecar.ingestUrl}/v1/models/${model.name}/predictions`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: toNdjson(events) + extra.map((e) => JSON.stringify(e)).join('\n'),
        });
        expect(response.status).toBe(200);
        // A label for every event (both classes in every slice), so every performance series is filled.
        const classes = model.classes;
        const labels = events.map((_, i) => JSON.stringify({ id: `e${i}`, label: classes[(i * 7919) % 5 < 2 ? 1 : 0] })).join('\n');
        const labelled = await fetch(`${sidecar.ingestUrl}/v1/models/${model.name}/labels`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: labels });
        expect(await labelled.json()).toMatchObject({ joined: events.length });
        await fetch(`${sidecar.ingestUrl}/v1/models/nope/predictions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
        sidecar.fleet.computeAllDrift();
        const scrape = await sidecar.metrics.render();
        const series = scrape.split('\n').filter((line) => line.startsWith('mlwatch_'));
        expect(series.some((s) => s.startsWith('mlwatch_feature_drift{'))).toBe(true);
        expect(series.filter((s) => s.startsWith('mlwatch_predictions_total{'))).toHaveLength(model.max_versions + 1);
        // Every variant (the unknown one as __other__) with every version label, every segment value with drift.
        const variants = model.variants.names.length + 1;
        expect(series.filter((s) => s.startsWith('mlwatch_variant_predictions_total{'))).toHaveLength(variants * (model.max_versions + 1));
        const channels = series.filter((s) => s.startsWith('mlwatch_segment_drifted_features_ratio{'));
        expect(channels.map((s) => /segment_value="([^"]*)"/.exec(s)?.[1]).sort()).toEqual(['__missing__', '__other__', 'branch', 'mobile', 'partner', 'web']);
        expect(series.length).toBe(Number(stated?.[1]));
      } finally {
        await sidecar.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

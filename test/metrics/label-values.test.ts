// Label values taken from traffic (model_version) are bounded: before this, four requests
// with a 2 MiB model_version took every later scrape from 46 KB to 8.4 MB for good; lone
// surrogates ("\ud800", "\udfff") rendered as the same U+FFFD and gave two identical series in
// one scrape; NUL and CR were accepted. Now such versions fold into __other__, are counted in
// mlwatch_model_version_invalid_total, and the scrape passes `promtool check metrics`.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersionIndex, isLabelSafe } from '../../src/monitor/versions.js';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import { createModelFixture, eventGenerator, type ModelFixture } from '../support/model-fixture.js';
import { PROMTOOL_BIN, binaryGate, requireBinary } from '../support/prometheus.js';
import { expectLintClean } from '../support/promtool.js';

const gate = binaryGate(PROMTOOL_BIN, 'prometheus');
requireBinary(gate, it);

describe('VersionIndex', () => {
  it('folds unsafe versions into __other__, counts them, and keeps the valid ones', () => {
    const index = new VersionIndex('1.0.0', 5, 32);
    const unsafe = ['', 'x'.repeat(33), 'é'.repeat(17), 'a\u0000b', 'a\rb', 'a\nb', '\u001b[31m', '\u0085', '\ud800', '\udfff', 'a\udc00', '\ud83d'];
    for (const v of unsafe) expect(index.indexOf(v), JSON.stringify(v)).toBe(5);
    expect(index.invalid).toBe(unsafe.length);
    expect(index.indexOf('x'.repeat(32))).toBe(1);
    expect(index.indexOf('é'.repeat(16))).toBe(2);
    expect(index.indexOf('🚀-2.0')).toBe(3);
    expect(index.indexOf(undefined)).toBe(0);
    expect(index.invalid).toBe(unsafe.length);
    expect(index.names).toEqual(['1.0.0', 'x'.repeat(32), 'é'.repeat(16), '🚀-2.0']);
  });

  it('isLabelSafe accepts well-formed printable values within the byte cap', () => {
    expect(isLabelSafe('2.3.0+build.7', 128)).toBe(true);
    expect(isLabelSafe('sha256:' + 'a'.repeat(64), 128)).toBe(true);
    expect(isLabelSafe('\ud83d\ude80', 4)).toBe(true);
    expect(isLabelSafe('\ud83d\ude80', 3)).toBe(false);
  });
});

describe.skipIf(!gate.available)('model_version label values on a live sidecar', () => {
  let fixture: ModelFixture;
  let sidecar: Sidecar;

  beforeAll(async () => {
    fixture = await createModelFixture();
    sidecar = await startSidecar(fixture.config, {
      ingestListen: { host: '127.0.0.1', port: 0 },
      metricsListen: { host: '127.0.0.1', port: 0 },
      processMetrics: false,
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await sidecar?.close();
    await fixture?.cleanup();
  });

  const scrape = async () => (await fetch(`${sidecar.metricsUrl}/metrics`)).text();
  const post = (body: string) =>
    fetch(`${sidecar.ingestUrl}/v1/models/shop/predictions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('keeps the scrape small and valid whatever model_version holds', async () => {
    const [event] = eventGenerator(3).undrifted(1);
    const before = (await scrape()).length;
    const huge = 'v'.repeat(2 * 1024 * 1024);
    for (let i = 0; i < 4; i++) {
      const response = await post(JSON.stringify({ ...event, model_version: `${huge}${i}` }));
      expect(response.status).toBe(200);
    }
    // Written by hand: JSON.stringify would escape nothing here, but lone surrogates must reach the parser as escapes.
    const strange = ['"\\ud800"', '"\\udfff"', '"a\\u0000b"', '"a\\rb"', '""'];
    for (const version of strange) {
      const body = JSON.stringify(event).replace(/"model_version":"[^"]*"/, `"model_version":${version}`);
      expect((await post(body)).status).toBe(200);
    }
    const exposition = await scrape();
    // Both invalid-Unicode versions used to render as the same "\ufffd" label: two identical series.
    const series = exposition.split('\n').filter((l) => l.startsWith('mlwatch_predictions_total{'));
    expect(new Set(series.map((l) => l.slice(0, l.lastIndexOf(' ')))).size).toBe(series.length);
    expect(series).toContain('mlwatch_predictions_total{model="shop",version="__other__"} 9');
    expect(exposition).toContain('mlwatch_model_version_invalid_total{model="shop"} 9');
    expect(exposition).not.toContain('\ufffd');
    expect(exposition).not.toContain('\u0000');
    expect(exposition).not.toContain('\r');
    // A few new series, no megabytes.
    expect(exposition.length - before).toBeLessThan(2_000);
    await expectLintClean(exposition);
  });
});

// `promtool check metrics` on mlwatch's own /metrics: the exposition must parse and pass
// Prometheus's naming and help lint (units, _total on counters, no reserved labels...).
// Checked fresh (every series at zero) and after mixed traffic with drift exported, with
// the Node.js process metrics on, as `mlwatch serve` runs.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import {
  createModelFixture,
  eventGenerator,
  postInBatches,
  postJson,
  problemEvents,
  type ModelFixture,
} from '../support/model-fixture.js';
import { PROMTOOL_BIN, binaryGate, requireBinary } from '../support/prometheus.js';
import { expectLintClean } from '../support/promtool.js';

const gate = binaryGate(PROMTOOL_BIN, 'prometheus');
requireBinary(gate, it);

async function scrape(sidecar: Sidecar): Promise<string> {
  const response = await fetch(`${sidecar.metricsUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe.skipIf(!gate.available)('promtool check metrics on /metrics', () => {
  let fixture: ModelFixture;
  let sidecar: Sidecar;

  beforeAll(async () => {
    fixture = await createModelFixture();
    sidecar = await startSidecar(fixture.config, {
      ingestListen: { host: '127.0.0.1', port: 0 },
      metricsListen: { host: '127.0.0.1', port: 0 },
      processMetrics: true,
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await sidecar?.close();
    await fixture?.cleanup();
  });

  it('passes on a fresh sidecar', async () => {
    await expectLintClean(await scrape(sidecar));
  });

  it('passes after mixed traffic, with quality problems, rejections, a second version and drift', async () => {
    const generator = eventGenerator(11);
    const problems = problemEvents(generator);
    await postJson(sidecar.ingestUrl, [...problems.accepted, ...problems.rejected]);
    await postJson(sidecar.ingestUrl, generator.undrifted(1), 'no-such-model');
    await postInBatches(sidecar.ingestUrl, [...generator.undrifted(150), ...generator.drifted(150)]);
    sidecar.fleet.computeAllDrift();
    const exposition = await scrape(sidecar);
    // The lint must have seen every family, drift and process metrics included.
    for (const name of ['mlwatch_feature_drift', 'mlwatch_prediction_drift', 'mlwatch_feature_value_bucket', 'mlwatch_predictions_total', 'mlwatch_process_cpu_seconds_total']) {
      expect(exposition).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
    }
    await expectLintClean(exposition);
  });
});

// Faults, with real processes: a failing collector (the scrape still answers, the success
// gauge names it, MLWatchCollectorFailing fires in a real Prometheus); Prometheus down
// (ingest unaffected, the next Prometheus sees every event); a stalled client on the
// metrics listener (its connection is closed by the listener's timeouts while scrapes go on).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadThresholds, renderAlertRules, withTimings } from '../../src/rules/alerts.js';
import { terminate } from '../support/binary-process.js';
import { createModelFixture, eventGenerator, postInBatches, type ModelFixture } from '../support/model-fixture.js';
import { PROMETHEUS_BIN, binaryGate, requireBinary, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { startServe, sumOf, type ServeProcess } from '../support/serve-cli.js';

const gate = binaryGate(PROMETHEUS_BIN, 'prometheus');
requireBinary(gate, it);

const FAILING_DRIFT = join(import.meta.dirname, '..', 'fixtures', 'faults', 'failing-drift-collector.mjs');
const THRESHOLDS = join(import.meta.dirname, '..', '..', 'alert-rules', 'thresholds.yaml');
const LISTEN = ['--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'];

let fixture: ModelFixture;
let dir = '';
let healthy: ServeProcess;
let broken: ServeProcess;
let prometheus: RunningPrometheus | undefined;
let rulesFile = '';

beforeAll(async () => {
  fixture = await createModelFixture({ drift: { min_samples: 50, compute_interval_seconds: 1 } });
  await writeFile(fixture.configPath, (await readFile(fixture.configPath, 'utf8')).replace('level: silent', 'level: info'));
  dir = await mkdtemp(join(tmpdir(), 'mlwatch-faults-'));
  rulesFile = join(dir, 'alerts.rules.yml');
  await writeFile(rulesFile, renderAlertRules(withTimings(loadThresholds(THRESHOLDS), { for: '1s', rate_window: '20s' })));
  healthy = await startServe(['--config', fixture.configPath, ...LISTEN]);
  broken = await startServe(['--config', fixture.configPath, ...LISTEN], { nodeArgs: ['--import', FAILING_DRIFT] });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  for (const served of [healthy, broken]) if (served) await terminate(served.child);
  await fixture?.cleanup();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!gate.available)('faults', () => {
  it('a failing collector: the scrape still answers, the success gauge names it, MLWatchCollectorFailing fires', async () => {
    const generator = eventGenerator(5);
    expect(await postInBatches(`http://${broken.ingest}`, generator.undrifted(200))).toBe(200);
    const text = await (await fetch(`http://${broken.metrics}/metrics`)).text();
    expect(text).toContain('mlwatch_scrape_collector_success{collector="drift"} 0');
    expect(text).toContain('mlwatch_scrape_collector_success{collector="traffic"} 1');
    expect(sumOf(text, 'mlwatch_predictions_total')).toBe(200);
    expect(text).not.toContain('mlwatch_feature_drift{');
    expect(broken.output()).toContain('metrics collector failed; its series are left out of this scrape');

    prometheus = await startPrometheus({ targets: [healthy.metrics, broken.metrics], ruleFiles: [rulesFile] });
    const failing = await prometheus.waitFor('mlwatch_scrape_collector_success == 0', (r) => r.length === 1, 30_000);
    expect(failing[0].metric).toMatchObject({ collector: 'drift', instance: broken.metrics });
    await prometheus.waitFor('up == 1', (r) => r.length === 2, 15_000);
    const alerts = await prometheus.waitFor('ALERTS{alertname="MLWatchCollectorFailing", alertstate="firing"}', (r) => r.length === 1, 30_000);
    expect(alerts[0].metric).toMatchObject({ collector: 'drift', instance: broken.metrics, severity: 'critical', team: 'sre' });
  }, 90_000);

  it('Prometheus down: ingest answers and counts as before; the next Prometheus sees every event', async () => {
    const generator = eventGenerator(6);
    expect(await postInBatches(`http://${healthy.ingest}`, generator.undrifted(300))).toBe(300);
    await prometheus?.stop();
    prometheus = undefined;
    // Nothing scrapes now: every event is still accepted and counted.
    expect(await postInBatches(`http://${healthy.ingest}`, generator.undrifted(700), 100)).toBe(700);
    expect(sumOf(await (await fetch(`http://${healthy.metrics}/metrics`)).text(), 'mlwatch_predictions_total')).toBe(1000);
    prometheus = await startPrometheus({ targets: [healthy.metrics] });
    const seen = await prometheus.waitFor('sum(mlwatch_predictions_total)', (r) => r.length === 1 && r[0].value === 1000, 30_000);
    expect(seen[0].value).toBe(1000);
  }, 90_000);

  it('stalled clients on the metrics listener are cut by its timeouts while scrapes go on', async () => {
    const [host, port] = [healthy.metrics.slice(0, healthy.metrics.lastIndexOf(':')), Number(healthy.metrics.slice(healthy.metrics.lastIndexOf(':') + 1))];
    const open = (): Promise<{ socket: Socket; closed: Promise<number> }> =>
      new Promise((resolve) => {
        const socket = connect(port, host, () => {
          const opened = Date.now();
          resolve({ socket, closed: new Promise((r) => socket.once('close', () => r(Date.now() - opened))) });
        });
        socket.on('error', () => {});
      });
    const silent = await open(); // sends nothing
    const partial = await open(); // half a request head, then nothing
    partial.socket.write('GET /metrics HTTP/1.1\r\nHost: mlwatch\r\nX-Slow: ');
    // Scrapes are answered meanwhile.
    for (let i = 0; i < 3; i++) expect((await fetch(`http://${healthy.metrics}/metrics`)).status).toBe(200);
    const [silentMs, partialMs] = await Promise.all([silent.closed, partial.closed]);
    // 10 s for the request head (Node's headersTimeout, checked every second; for a silent connection, mlwatch's own timer).
    for (const ms of [silentMs, partialMs]) {
      expect(ms).toBeGreaterThanOrEqual(9_000);
      expect(ms).toBeLessThan(14_000);
    }
  }, 30_000);
});

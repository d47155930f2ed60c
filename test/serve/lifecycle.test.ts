// The sidecar's lifecycle across a process boundary: SIGTERM under load keeps /metrics
// answering through the shutdown grace after ingest has drained, so a scrape then sees
// every acknowledged event; a second signal cuts the grace short; a listener that cannot
// bind is named with its flag and config key in one line, exit 1.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelFixture, eventGenerator, postNdjson, type ModelFixture } from '../support/model-fixture.js';
import { runMlwatch, startServe, sumOf } from '../support/serve-cli.js';

let fixture: ModelFixture;
let graceConfig = '';

beforeAll(async () => {
  fixture = await createModelFixture();
  const yaml = await readFile(fixture.configPath, 'utf8');
  await writeFile(fixture.configPath, yaml.replace('level: silent', 'level: info'));
  graceConfig = `${fixture.dir}/grace.yaml`;
  await writeFile(graceConfig, yaml.replace('level: silent', 'level: info').replace('shutdown_grace_seconds: 0', 'shutdown_grace_seconds: 4'));
}, 30_000);
afterAll(() => fixture.cleanup());

const LISTEN_ARGS = ['--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'];

async function scrape(metrics: string): Promise<string> {
  const response = await fetch(`http://${metrics}/metrics`);
  if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
  return response.text();
}

describe('SIGTERM under load', () => {
  it('a scrape during the grace sees every acknowledged event; exit 0 once the grace is over', async () => {
    const served = await startServe(['--config', graceConfig, ...LISTEN_ARGS]);
    const lines = eventGenerator(11).undrifted(50).map((e) => JSON.stringify(e));
    let acknowledged = 0;
    let stop = false;
    // 8 clients posting batches of 50 back to back until the listener refuses them.
    const clients = Array.from({ length: 8 }, async () => {
      while (!stop) {
        try {
          const answer = await postNdjson(`http://${served.ingest}`, lines);
          if (answer.status === 200) acknowledged += answer.accepted;
        } catch {
          // Refused or cut while draining: not acknowledged.
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    const beforeSignal = acknowledged;
    served.child.kill('SIGTERM');
    const signalled = Date.now();
    await served.waitForOutput('ingest drained');
    stop = true;
    await Promise.all(clients);
    expect(beforeSignal).toBeGreaterThan(0);
    // Ingest is closed, /metrics still answers with everything that was acknowledged.
    await expect(fetch(`http://${served.ingest}/v1/models/shop/predictions`, { method: 'POST', body: '{}' })).rejects.toThrow();
    const final = await scrape(served.metrics);
    expect(sumOf(final, 'mlwatch_predictions_total')).toBe(acknowledged);
    expect(acknowledged).toBeGreaterThan(beforeSignal);
    expect((await fetch(`http://${served.metrics}/readyz`)).status).toBe(503);
    expect(await served.exit).toBe(0);
    // The grace (4 s) was served, and not much more.
    const stoppedAfter = Date.now() - signalled;
    expect(stoppedAfter).toBeGreaterThanOrEqual(4000);
    expect(stoppedAfter).toBeLessThan(15_000);
    expect(served.output()).toContain('mlwatch stopped');
  }, 60_000);

  it('a second SIGTERM ends the grace at once', async () => {
    const yaml = await readFile(graceConfig, 'utf8');
    const longGrace = `${fixture.dir}/long-grace.yaml`;
    await writeFile(longGrace, yaml.replace('shutdown_grace_seconds: 4', 'shutdown_grace_seconds: 120'));
    const served = await startServe(['--config', longGrace, ...LISTEN_ARGS]);
    served.child.kill('SIGTERM');
    await served.waitForOutput('ingest drained');
    expect((await fetch(`http://${served.metrics}/metrics`)).status).toBe(200);
    const second = Date.now();
    served.child.kill('SIGTERM');
    expect(await served.exit).toBe(0);
    expect(Date.now() - second).toBeLessThan(5000);
  }, 60_000);
});

describe('a listener that cannot bind', () => {
  let taken: Server;
  let port = 0;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it.each([
    ['metrics', ['--ingest-listen', '127.0.0.1:0', '--metrics-listen'], '--metrics-listen HOST:PORT or metrics.listen'],
    ['ingest', ['--metrics-listen', '127.0.0.1:0', '--ingest-listen'], '--ingest-listen HOST:PORT or ingest.listen'],
  ])('the %s listener on a port in use: one line naming it, its flag and key; exit 1', async (listener, flags, where) => {
    const run = await runMlwatch(['serve', '--config', fixture.configPath, ...flags, `127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    const lines = run.output.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
    expect(lines).toEqual([
      `mlwatch cannot listen: the ${listener} listener cannot bind 127.0.0.1:${port}: the address is already in use (EADDRINUSE): ` +
        `another process listens there; choose another address with ${where} in the config`,
    ]);
  }, 30_000);

  it('an address no interface has (EADDRNOTAVAIL)', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine; nothing is sent to it.
    const run = await runMlwatch(['serve', '--config', fixture.configPath, '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '192.0.2.1:9802']);
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      'mlwatch cannot listen: the metrics listener cannot bind 192.0.2.1:9802: no interface of this machine has that address (EADDRNOTAVAIL); ' +
        'choose another address with --metrics-listen HOST:PORT or metrics.listen in the config',
    );
    expect(run.output).not.toMatch(/\n\s+at /);
  }, 30_000);
});

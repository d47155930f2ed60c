// `mlwatch serve` as a user runs it: the built binary in its own process. SIGTERM lets an
// in-flight request finish and the process exits 0; the JSON logs never carry raw feature
// values; a bad config exits 1 with the problem, never a stack trace.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelFixture, type ModelFixture } from '../support/model-fixture.js';

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
let fixture: ModelFixture;

beforeAll(async () => {
  fixture = await createModelFixture();
  const yaml = await readFile(fixture.configPath, 'utf8');
  await writeFile(fixture.configPath, yaml.replace('level: silent', 'level: info'));
}, 30_000);
afterAll(() => fixture.cleanup());

interface Served {
  child: ChildProcess;
  ingest: string;
  metrics: string;
  stdout: () => string;
  exit: Promise<number | null>;
}

async function serve(): Promise<Served> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--config', fixture.configPath, '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const started = Date.now();
  while (Date.now() - started < 15_000) {
    const line = out.split('\n').find((l) => l.includes('"mlwatch serving"'));
    if (line) {
      const { ingest, metrics } = JSON.parse(line) as { ingest: string; metrics: string };
      return { child, ingest: `http://${ingest}`, metrics: `http://${metrics}`, stdout: () => out, exit };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`mlwatch serve did not start:\n${out}`);
}

describe('mlwatch serve', () => {
  it('drains an in-flight request on SIGTERM and exits 0', async () => {
    const served = await serve();
    const url = new URL(`${served.ingest}/v1/models/shop/predictions`);
    const event = JSON.stringify({ features: { price: 210.5, age: 33, country: 'DE', returning: false }, prediction: { score: 0.4 } });
    // Send the headers and half the body, signal, then finish the body: the answer must still come.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(event) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(event.slice(0, 20));
      setTimeout(() => {
        served.child.kill('SIGTERM');
        setTimeout(() => req.end(event.slice(20)), 300);
      }, 200);
    });
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ accepted: 1, rejected: 0 });
    expect(await served.exit).toBe(0);
    expect(served.stdout()).toContain('draining in-flight requests');
    expect(served.stdout()).toContain('mlwatch stopped');
  }, 30_000);

  it('never logs raw feature values, even for bad events', async () => {
    const served = await serve();
    const secret = 'SECRET-ADDRESS-42 Main St';
    const events = [
      { features: { price: 987654.321, age: secret, country: secret, returning: 'maybe' }, prediction: { score: 0.5 } },
      { features: secret, prediction: { score: 0.5 } },
      { features: { price: 1 }, prediction: { score: secret } },
    ];
    const response = await fetch(`${served.ingest}/v1/models/shop/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(response.status).toBe(200);
    await fetch(`${served.ingest}/v1/models/shop/predictions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"features": "${secret}` });
    served.child.kill('SIGTERM');
    expect(await served.exit).toBe(0);
    const logs = served.stdout();
    expect(logs).not.toContain('SECRET-ADDRESS');
    expect(logs).not.toContain('987654');
    // Every line is pino JSON.
    for (const line of logs.split('\n').filter((l) => l.length > 0)) expect(() => JSON.parse(line) as unknown).not.toThrow();
  }, 30_000);

  it('exits 1 with the problem when the config is wrong, and 2 on bad arguments', async () => {
    const bad = join(fixture.dir, 'bad.yaml');
    await writeFile(bad, 'models:\n  - name: x\n    task: regression\n    features: []\n');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
        child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
        child.once('exit', (code) => resolve({ code, output }));
      });
    const wrong = await run(['serve', '--config', bad]);
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/models\[0\]/);
    expect(wrong.output).not.toMatch(/\n\s+at /);
    const usage = await run(['serve']);
    expect(usage.code).toBe(2);
    expect(usage.output).toContain('usage: mlwatch serve');
  }, 30_000);
});

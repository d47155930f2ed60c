// The harness itself, against a few-line exporter: if these fail, the mlwatch
// integration tests' failures are about the harness or the Prometheus install, not mlwatch.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROMETHEUS_BIN,
  binaryGate,
  prometheusConfig,
  requireBinary,
  startPrometheus,
  type RunningPrometheus,
} from '../support/prometheus.js';

const gate = binaryGate(PROMETHEUS_BIN, 'prometheus');
requireBinary(gate, it);

describe('prometheusConfig', () => {
  it('writes 1 s intervals, the targets and the rule files', () => {
    const text = prometheusConfig({ targets: ['127.0.0.1:1234'], ruleFiles: ['/tmp/rules.yml'] });
    expect(text).toContain('scrape_interval: 1s');
    expect(text).toContain('evaluation_interval: 1s');
    expect(text).toContain('127.0.0.1:1234');
    expect(text).toContain('/tmp/rules.yml');
  });
});

describe.skipIf(!gate.available)('Prometheus harness', () => {
  let exporter: Server;
  let prometheus: RunningPrometheus;
  let counter = 0;

  beforeAll(async () => {
    exporter = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# HELP harness_probe_total Scrapes served.\n# TYPE harness_probe_total counter\nharness_probe_total ${++counter}\n`);
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    const port = (exporter.address() as AddressInfo).port;
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${port}`], job: 'harness' });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise<void>((resolve) => exporter?.close(() => resolve()));
  });

  it('scrapes the target every second and answers instant queries with parsed numbers', async () => {
    const result = await prometheus.waitFor('harness_probe_total', (r) => r.length === 1 && r[0].value >= 2, 10_000);
    expect(result[0].metric).toMatchObject({ __name__: 'harness_probe_total', job: 'harness' });
    const targets = await prometheus.targets();
    expect(targets).toHaveLength(1);
    expect(targets[0].health).toBe('up');
  });

  it('reports a PromQL error with the query', async () => {
    await expect(prometheus.query('sum(')).rejects.toThrow(/sum\(/);
  });

  it('gives up on a predicate that never holds, naming the query', async () => {
    await expect(prometheus.waitFor('harness_probe_total', () => false, 600)).rejects.toThrow(/timed out .* harness_probe_total/);
  });

  it('stop() ends Prometheus and removes its temp dir', async () => {
    const second = await startPrometheus({ targets: ['127.0.0.1:9'] });
    expect(existsSync(second.dir)).toBe(true);
    await second.stop();
    expect(existsSync(second.dir)).toBe(false);
    await expect(fetch(`${second.url}/-/ready`)).rejects.toThrow();
  });
});

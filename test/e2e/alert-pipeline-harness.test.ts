// The alert pipeline without mlwatch: a real Prometheus scraping a one-line exporter and
// evaluating one rule on it, sending to a real Alertmanager running the shipped config,
// delivering to the webhook receiver in this process. If this fails, the end-to-end failures
// are about the harness or the binaries, not mlwatch or its rules.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_BIN,
  ALERTMANAGER_PACKAGE,
  loadAlertmanagerConfig,
  startAlertmanager,
  testAlertmanagerConfig,
  type RunningAlertmanager,
} from '../support/alertmanager.js';
import { alertingPrometheusConfig, startAlertingPrometheus, type AlertingPrometheus } from '../support/prometheus-alerting.js';
import { PROMETHEUS_BIN, binaryGate, requireBinary } from '../support/prometheus.js';
import { hasAlert, startWebhookReceiver, type WebhookReceiver } from '../support/webhook.js';

const prometheusGate = binaryGate(PROMETHEUS_BIN, 'prometheus');
const alertmanagerGate = binaryGate(ALERTMANAGER_BIN, ALERTMANAGER_PACKAGE);
requireBinary(prometheusGate, it);
requireBinary(alertmanagerGate, it);

// The test flips the exporter's value: an alert that fired before Prometheus knew the
// Alertmanager would only be re-sent after --rules.alert.resend-delay (1 m).
const PROBE_RULES = {
  groups: [
    {
      name: 'probe',
      interval: '1s',
      rules: [
        {
          alert: 'PipelineProbe',
          expr: 'pipeline_probe > 0',
          labels: { team: 'sre', severity: 'warning' },
          annotations: { summary: 'probe', description: 'probe on {{ $labels.instance }} is {{ $value }}' },
        },
      ],
    },
  ],
};

describe('alertingPrometheusConfig', () => {
  it('adds the Alertmanagers to the harness config', () => {
    const text = alertingPrometheusConfig({ targets: ['127.0.0.1:1'], alertmanagers: ['127.0.0.1:2'] });
    expect(text).toMatch(/alerting:\s+alertmanagers:/);
    expect(text).toContain('127.0.0.1:2');
    expect(text).toContain('evaluation_interval: 1s');
  });
});

describe.skipIf(!prometheusGate.available || !alertmanagerGate.available)('Prometheus → Alertmanager → webhook', () => {
  let dir: string;
  let exporter: Server;
  let probe = 0;
  let webhook: WebhookReceiver;
  let alertmanager: RunningAlertmanager;
  let prometheus: AlertingPrometheus;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlwatch-pipeline-'));
    const rules = join(dir, 'probe.rules.yml');
    await writeFile(rules, dump(PROBE_RULES));
    exporter = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE pipeline_probe gauge\npipeline_probe ${probe}\n`);
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    webhook = await startWebhookReceiver();
    alertmanager = await startAlertmanager({ config: testAlertmanagerConfig(await loadAlertmanagerConfig(), webhook.url) });
    prometheus = await startAlertingPrometheus({
      targets: [`127.0.0.1:${(exporter.address() as AddressInfo).port}`],
      job: 'pipeline',
      ruleFiles: [rules],
      alertmanagers: [alertmanager.address],
    });
    await prometheus.waitFor('pipeline_probe', (r) => r.length === 1);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await webhook?.close();
    await new Promise<void>((resolve) => (exporter ? exporter.close(() => resolve()) : resolve()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('delivers a firing rule to the receiver its team and severity route to, with its annotations', async () => {
    probe = 1;
    const notification = await webhook.waitFor(hasAlert({ alertname: 'PipelineProbe' }), 15_000, 'PipelineProbe firing');
    expect(notification.path).toBe('/alerts/sre-ticket');
    expect(notification.message.groupLabels).toEqual({ alertname: 'PipelineProbe', job: 'pipeline' });
    const [alert] = notification.message.alerts;
    expect(alert.annotations.description).toMatch(/^probe on 127\.0\.0\.1:\d+ is 1$/);
    expect(await prometheus.alerts()).toMatchObject([{ state: 'firing', labels: { alertname: 'PipelineProbe' } }]);
  });

  it('delivers the resolution when the rule stops matching', async () => {
    probe = 0;
    const notification = await webhook.waitFor(hasAlert({ alertname: 'PipelineProbe' }, 'resolved'), 15_000, 'PipelineProbe resolved');
    expect(notification.message.status).toBe('resolved');
  });
});

// A real Prometheus that sends its alerts to Alertmanager. startPrometheus (prometheus.ts)
// takes no alerting config, so this starts one with it, rewrites its prometheus.yml with an
// `alerting:` section and reloads it (the harness runs Prometheus with --web.enable-lifecycle),
// then waits until Prometheus reports the Alertmanager as active. With an `alertmanagers`
// option in startPrometheus this wrapper would shrink to that option.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { sleep } from './binary-process.js';
import { prometheusConfig, startPrometheus, type PrometheusOptions, type RunningPrometheus } from './prometheus.js';

/** An alerting rule's alert as GET /api/v1/alerts returns it. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface AlertingPrometheus extends RunningPrometheus {
  /** Pending and firing alerts of every rule. */
  alerts(): Promise<PrometheusAlert[]>;
}

export interface AlertingPrometheusOptions extends PrometheusOptions {
  /** host:port of each Alertmanager. */
  alertmanagers: string[];
  /** How long to wait for Prometheus to list the Alertmanagers as active (it applies them on a 5 s tick). */
  discoveryTimeoutMs?: number;
}

export function alertingPrometheusConfig(options: AlertingPrometheusOptions): string {
  const config = load(prometheusConfig(options)) as Record<string, unknown>;
  config.alerting = { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: options.alertmanagers }] }] };
  return dump(config);
}

export async function startAlertingPrometheus(options: AlertingPrometheusOptions): Promise<AlertingPrometheus> {
  const prometheus = await startPrometheus(options);
  try {
    await writeFile(join(prometheus.dir, 'prometheus.yml'), alertingPrometheusConfig(options));
    const reload = await fetch(`${prometheus.url}/-/reload`, { method: 'POST' });
    if (!reload.ok) throw new Error(`prometheus rejected the alerting config (${reload.status}): ${await reload.text()}`);
    await waitForAlertmanagers(prometheus.url, options.alertmanagers, options.discoveryTimeoutMs ?? 15_000);
  } catch (error) {
    await prometheus.stop();
    throw error;
  }
  return {
    ...prometheus,
    async alerts() {
      const response = await fetch(`${prometheus.url}/api/v1/alerts`);
      const body = (await response.json()) as { status?: string; data?: { alerts?: PrometheusAlert[] } };
      if (body.status !== 'success' || !body.data?.alerts) throw new Error(`unexpected /api/v1/alerts answer: ${JSON.stringify(body).slice(0, 500)}`);
      return body.data.alerts;
    },
  };
}

async function waitForAlertmanagers(url: string, addresses: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let active: string[] = [];
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/v1/alertmanagers`);
    const body = (await response.json()) as { data?: { activeAlertmanagers?: { url: string }[] } };
    active = (body.data?.activeAlertmanagers ?? []).map((a) => new URL(a.url).host);
    if (addresses.every((address) => active.includes(address))) return;
    await sleep(250);
  }
  throw new Error(`prometheus at ${url} did not pick up Alertmanagers ${addresses.join(', ')} within ${timeoutMs} ms (active: ${active.join(', ') || 'none'})`);
}

// The shipped alertmanager/alertmanager.yml, checked by Alertmanager's own tool: it loads
// (amtool check-config), and alerts route by team and severity, with a default for the rest
// (amtool config routes test). Inhibition and delivery need a running Alertmanager: see
// alertmanager.test.ts.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AMTOOL_BIN, ALERTMANAGER_PACKAGE, SHIPPED_ALERTMANAGER_CONFIG, loadAlertmanagerConfig } from '../support/alertmanager.js';
import { binaryGate, requireBinary } from '../support/prometheus.js';

const run = promisify(execFile);
const gate = binaryGate(AMTOOL_BIN, ALERTMANAGER_PACKAGE);
requireBinary(gate, it);

/** The receivers amtool resolves for a label set, e.g. ['data-science-page']. */
async function routesFor(labels: Record<string, string>): Promise<string[]> {
  const args = ['config', 'routes', 'test', `--config.file=${SHIPPED_ALERTMANAGER_CONFIG}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const { stdout } = await run(AMTOOL_BIN, args, { timeout: 10_000 });
  return stdout.trim().split(',').map((name) => name.trim());
}

const ROUTES: { labels: Record<string, string>; receiver: string }[] = [
  { labels: { alertname: 'MLWatchFeatureDriftCritical', team: 'data-science', severity: 'critical', model: 'shop', feature: 'price' }, receiver: 'data-science-page' },
  { labels: { alertname: 'MLWatchFeatureDriftWarning', team: 'data-science', severity: 'warning', model: 'shop', feature: 'price' }, receiver: 'data-science-ticket' },
  { labels: { alertname: 'MLWatchDown', team: 'sre', severity: 'critical', job: 'mlwatch', instance: '10.0.0.1:9090' }, receiver: 'sre-page' },
  { labels: { alertname: 'MLWatchInferenceLatencyHigh', team: 'sre', severity: 'warning', model: 'shop' }, receiver: 'sre-ticket' },
  // A team's alert at a severity the config does not know still reaches that team, as a ticket.
  { labels: { alertname: 'SomethingNew', team: 'data-science', severity: 'info' }, receiver: 'data-science-ticket' },
  { labels: { alertname: 'SomethingNew', team: 'sre' }, receiver: 'sre-ticket' },
  // No team, or one the config does not know: the default receiver.
  { labels: { alertname: 'Watchdog', severity: 'critical' }, receiver: 'default' },
  { labels: { alertname: 'Other', team: 'platform', severity: 'critical' }, receiver: 'default' },
];

const SHIPPED_RULES = join(dirname(fileURLToPath(import.meta.url)), '../../alert-rules/mlwatch-alerts.rules.yml');

/** Every alert of the shipped rule file with its static labels. */
function shippedAlerts(): { alert: string; labels: Record<string, string> }[] {
  const doc = load(readFileSync(SHIPPED_RULES, 'utf8')) as { groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[] };
  return doc.groups.flatMap((g) => g.rules.filter((r) => r.alert !== undefined).map((r) => ({ alert: r.alert as string, labels: r.labels ?? {} })));
}

describe.skipIf(!gate.available)('alertmanager/alertmanager.yml with amtool', () => {
  it('passes amtool check-config', async () => {
    const { stdout } = await run(AMTOOL_BIN, ['check-config', SHIPPED_ALERTMANAGER_CONFIG], { timeout: 10_000 });
    expect(stdout).toContain('SUCCESS');
    expect(stdout).toMatch(/3 inhibit rules/);
    expect(stdout).toMatch(/5 receivers/);
  });

  it.each(ROUTES)('routes $labels.team/$labels.severity ($labels.alertname) to $receiver', async ({ labels, receiver }) => {
    expect(await routesFor(labels)).toEqual([receiver]);
    // The same through amtool's own verification, which exits non-zero on a mismatch.
    const args = ['config', 'routes', 'test', `--config.file=${SHIPPED_ALERTMANAGER_CONFIG}`, `--verify.receivers=${receiver}`];
    await expect(run(AMTOOL_BIN, [...args, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], { timeout: 10_000 })).resolves.toBeDefined();
  });

  it('routes every shipped alert to its team\'s pager (critical) or tickets (warning), never the default', async () => {
    const alerts = shippedAlerts();
    expect(alerts.length).toBeGreaterThanOrEqual(14);
    for (const { alert, labels } of alerts) {
      const expected = `${labels.team}-${labels.severity === 'critical' ? 'page' : 'ticket'}`;
      expect(await routesFor({ alertname: alert, ...labels, model: 'shop' }), alert).toEqual([expected]);
    }
  });

  it('fails amtool verification when the route is wrong (the check can fail)', async () => {
    const args = ['config', 'routes', 'test', `--config.file=${SHIPPED_ALERTMANAGER_CONFIG}`, '--verify.receivers=sre-page', 'team=data-science', 'severity=critical'];
    await expect(run(AMTOOL_BIN, args, { timeout: 10_000 })).rejects.toMatchObject({ code: 1 });
  });
});

describe('alertmanager/alertmanager.yml structure', () => {
  it('groups by alert name, job and model, and sends resolutions to every webhook', async () => {
    const config = await loadAlertmanagerConfig();
    expect(config.route.group_by).toEqual(['alertname', 'job', 'model']);
    for (const receiver of config.receivers) {
      expect(receiver.webhook_configs?.length, receiver.name).toBeGreaterThan(0);
      for (const webhook of receiver.webhook_configs ?? []) {
        expect(webhook.send_resolved, receiver.name).toBe(true);
        // Alertmanager 0.25 rejects unknown webhook fields such as `timeout` (0.28+).
        expect(Object.keys(webhook).sort(), receiver.name).toEqual(['send_resolved', 'url']);
      }
    }
  });

  it('mutes model alerts of a down instance and warnings under their critical', async () => {
    const config = await loadAlertmanagerConfig();
    expect(config.inhibit_rules).toEqual(
      expect.arrayContaining([
        { source_matchers: ['alertname="MLWatchDown"'], target_matchers: ['alertname=~"MLWatch.+"', 'model=~".+"'], equal: ['instance'] },
        {
          source_matchers: ['alertname="MLWatchFeatureDriftCritical"'],
          target_matchers: ['alertname="MLWatchFeatureDriftWarning"'],
          equal: ['model', 'feature', 'instance'],
        },
      ]),
    );
  });
});

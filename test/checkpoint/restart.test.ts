// Checkpoints across real restarts of the built binary: kill -9 under load loses at most what
// came after the last checkpoint (every counter at least its value then, at most what was
// acknowledged); SIGTERM under load loses nothing acknowledged; a corrupt or a foreign
// checkpoint is renamed aside, counted, said once, and the state starts empty.
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelFixture, eventGenerator, postNdjson, type ModelFixture } from '../support/model-fixture.js';
import { expectLintClean } from '../support/promtool.js';
import { startServe, sumOf, type ServeProcess } from '../support/serve-cli.js';

let fixture: ModelFixture;
let yaml = '';
const LISTEN = ['--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'];
const CLIENTS = 4;
const BATCH = 50;

beforeAll(async () => {
  fixture = await createModelFixture();
  yaml = (await readFile(fixture.configPath, 'utf8')).replace('level: silent', 'level: info');
}, 30_000);
afterAll(() => fixture.cleanup());

/** A config whose checkpoints go to `stateDir` every second; `edit` changes the rest. */
async function configWith(name: string, stateDir: string, edit: (text: string) => string = (t) => t): Promise<string> {
  const path = join(fixture.dir, `${name}.yaml`);
  await writeFile(path, `${edit(yaml)}state_dir: ${stateDir}\ncheckpoint_interval_seconds: 1\n`);
  return path;
}

async function scrape(served: ServeProcess): Promise<string> {
  const response = await fetch(`http://${served.metrics}/metrics`);
  return response.text();
}

const PER_PROCESS = /^mlwatch_(checkpoint|event_loop|scrape|process|nodejs)_/;

/** Counter-like samples (counters, histogram buckets and counts) of the monitored state, by series. */
function stateCounters(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    // The process's own counters (CPU, GC, event loop, checkpoint writes) start again with the process.
    if (!line.startsWith('mlwatch_') || PER_PROCESS.test(line)) continue;
    const series = line.slice(0, line.lastIndexOf(' '));
    const name = series.split('{')[0];
    if (name.endsWith('_total') || name.endsWith('_bucket') || name.endsWith('_count')) out.set(series, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

/** CLIENTS clients posting batches back to back until stopped; counts what was acknowledged. */
function load(served: ServeProcess, seed: number): { acknowledged: () => number; stop: () => Promise<void> } {
  const lines = eventGenerator(seed).undrifted(BATCH).map((e) => JSON.stringify(e));
  // One bad event per batch, so the rejection counters move too.
  lines[BATCH - 1] = '{"features": 7}';
  let acknowledged = 0;
  let stopped = false;
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (!stopped) {
      try {
        const answer = await postNdjson(`http://${served.ingest}`, lines);
        if (answer.status === 200) acknowledged += answer.accepted;
      } catch {
        // Refused or cut (killed, draining): not acknowledged.
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  });
  return {
    acknowledged: () => acknowledged,
    stop: async () => {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

async function waitForWrites(served: ServeProcess, atLeast: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (sumOf(await scrape(served), 'mlwatch_checkpoint_writes_total') < atLeast) {
    if (Date.now() > deadline) throw new Error('no checkpoint written within 15 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('checkpoints across restarts (the built binary)', () => {
  it('kill -9 under load: every counter restarts at least at its last checkpointed value, and at most what was acknowledged', async () => {
    const stateDir = join(fixture.dir, 'state-kill');
    const config = await configWith('kill', stateDir);
    const first = await startServe(['--config', config, ...LISTEN]);
    const phase1 = load(first, 1);
    await new Promise((r) => setTimeout(r, 1500));
    await phase1.stop();
    // Quiet: everything acknowledged is recorded. Two more writes: the second began after the quiet.
    const atQuiet = stateCounters(await scrape(first));
    const acknowledgedAtQuiet = phase1.acknowledged();
    const writes = sumOf(await scrape(first), 'mlwatch_checkpoint_writes_total');
    await waitForWrites(first, writes + 2);
    const phase2 = load(first, 2);
    await new Promise((r) => setTimeout(r, 2500));
    first.child.kill('SIGKILL');
    await first.exit;
    await phase2.stop();
    const acknowledged = acknowledgedAtQuiet + phase2.acknowledged();

    const second = await startServe(['--config', config, ...LISTEN]);
    const restored = stateCounters(await scrape(second));
    const predictions = sumOf(await scrape(second), 'mlwatch_predictions_total');
    second.child.kill('SIGTERM');
    await second.exit;
    console.log(`kill -9: acknowledged ${acknowledged} (${acknowledgedAtQuiet} before the last quiet checkpoint), restored ${predictions}`);
    expect(second.output()).toContain('"checkpoint restored"');
    expect(acknowledgedAtQuiet).toBeGreaterThan(0);
    for (const [series, value] of atQuiet) expect(restored.get(series) ?? 0, series).toBeGreaterThanOrEqual(value);
    expect(predictions).toBeGreaterThanOrEqual(acknowledgedAtQuiet);
    // Checkpoints went on under load (every second for 2.5 s).
    expect(predictions).toBeGreaterThan(acknowledgedAtQuiet);
    // Recorded but not yet answered when killed: at most one batch per client.
    expect(predictions).toBeLessThanOrEqual(acknowledged + CLIENTS * BATCH);
  }, 60_000);

  it('SIGTERM under load: every acknowledged event is in the state after the restart, drift window included', async () => {
    const stateDir = join(fixture.dir, 'state-term');
    const config = await configWith('term', stateDir);
    const first = await startServe(['--config', config, ...LISTEN]);
    const traffic = load(first, 3);
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    await traffic.stop();
    const acknowledged = traffic.acknowledged();

    const second = await startServe(['--config', config, ...LISTEN]);
    const text = await scrape(second);
    second.child.kill('SIGTERM');
    await second.exit;
    console.log(`SIGTERM: acknowledged ${acknowledged}, restored ${sumOf(text, 'mlwatch_predictions_total')}`);
    expect(acknowledged).toBeGreaterThan(0);
    expect(sumOf(text, 'mlwatch_predictions_total')).toBe(acknowledged);
    expect(sumOf(text, 'mlwatch_events_rejected_total')).toBeGreaterThan(0);
    // The drift window came back too: its samples are the acknowledged events' prices.
    expect(sumOf(text, 'mlwatch_feature_drift_window_samples{model="shop",feature="price"}')).toBe(acknowledged);
    expect(text).toContain('mlwatch_checkpoint_restored{model="shop"} 1');
    expect(sumOf(text, 'mlwatch_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sumOf(text, 'mlwatch_checkpoint_last_success_timestamp_seconds')).toBeGreaterThan(0);
    // The checkpoint metrics pass promtool's lint with the rest of the scrape.
    await expectLintClean(text);
  }, 60_000);

  it('a truncated checkpoint and a foreign one are set aside (renamed, counted, logged once) and the state starts empty', async () => {
    const stateDir = join(fixture.dir, 'state-bad');
    const config = await configWith('bad', stateDir);
    const first = await startServe(['--config', config, ...LISTEN]);
    const traffic = load(first, 4);
    await new Promise((r) => setTimeout(r, 500));
    await traffic.stop();
    first.child.kill('SIGTERM');
    await first.exit;
    const file = join(stateDir, 'mlwatch.checkpoint');
    const whole = await readFile(file);

    // Truncated.
    await truncate(file, Math.floor(whole.length / 2));
    const truncated = await startServe(['--config', config, ...LISTEN]);
    let text = await scrape(truncated);
    truncated.child.kill('SIGTERM');
    await truncated.exit;
    expect(sumOf(text, 'mlwatch_predictions_total')).toBe(0);
    expect(text).toContain('mlwatch_checkpoint_set_aside_total{reason="corrupt"} 1');
    expect(truncated.output().split('\n').filter((l) => l.includes('CHECKPOINT SET ASIDE'))).toHaveLength(1);

    // Foreign: the same state_dir under another config of the model (min_samples changed).
    await writeFile(file, whole);
    const other = await configWith('other', stateDir, (t) => t.replace(/min_samples: \d+/, 'min_samples: 77'));
    const foreign = await startServe(['--config', other, ...LISTEN]);
    text = await scrape(foreign);
    foreign.child.kill('SIGTERM');
    await foreign.exit;
    expect(sumOf(text, 'mlwatch_predictions_total')).toBe(0);
    expect(text).toContain('mlwatch_checkpoint_set_aside_total{reason="foreign"} 1');
    expect(text).toContain('mlwatch_checkpoint_restored{model="shop"} 0');
    expect(foreign.output().split('\n').filter((l) => l.includes('CHECKPOINT SET ASIDE'))).toHaveLength(1);

    // Both are kept beside the live checkpoint, never deleted.
    const names = await readdir(stateDir);
    expect(names.filter((n) => n.startsWith('mlwatch.checkpoint.corrupt-'))).toHaveLength(1);
    expect(names.filter((n) => n.startsWith('mlwatch.checkpoint.foreign-'))).toHaveLength(1);
    const asideCorrupt = names.find((n) => n.startsWith('mlwatch.checkpoint.corrupt-')) as string;
    expect((await readFile(join(stateDir, asideCorrupt))).length).toBe(Math.floor(whole.length / 2));
  }, 60_000);

  it('a state_dir that cannot be written: the failure is logged and counted, serving goes on', async () => {
    const blocker = join(fixture.dir, 'not-a-folder');
    await writeFile(blocker, 'a file where the folder should be');
    const config = await configWith('unwritable', join(blocker, 'state'));
    const served = await startServe(['--config', config, ...LISTEN]);
    const answer = await postNdjson(`http://${served.ingest}`, eventGenerator(5).undrifted(10).map((e) => JSON.stringify(e)));
    expect(answer.accepted).toBe(10);
    const deadline = Date.now() + 10_000;
    let text = await scrape(served);
    while (sumOf(text, 'mlwatch_checkpoint_write_failures_total') === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      text = await scrape(served);
    }
    expect(sumOf(text, 'mlwatch_checkpoint_write_failures_total{reason="other"}')).toBeGreaterThan(0);
    expect(sumOf(text, 'mlwatch_predictions_total')).toBe(10);
    served.child.kill('SIGTERM');
    expect(await served.exit).toBe(0);
    expect(served.output()).toContain('checkpoint write failed; serving continues');
  }, 30_000);
});

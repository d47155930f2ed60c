// Reloads run one at a time: a request during a reload queues exactly one more, which every
// later request shares (a burst of SIGHUPs reloads twice, not once per signal), and the
// queued one starts only after the running one has finished.
import { describe, expect, it } from 'vitest';
import { ReloadQueue, restartOnlyChanges } from '../../src/serve/reload.js';
import { testConfig } from '../support/synthetic-reference.js';

describe('ReloadQueue', () => {
  it('never overlaps two reloads; a burst during one queues one more, shared', async () => {
    let running = 0;
    let overlapped = false;
    const started: string[] = [];
    const finishers: (() => void)[] = [];
    const queue = new ReloadQueue((trigger) => {
      started.push(trigger);
      running++;
      if (running > 1) overlapped = true;
      return new Promise<readonly string[]>((resolve) =>
        finishers.push(() => {
          running--;
          resolve([]);
        }),
      );
    });
    const first = queue.reload('SIGHUP');
    const burst = [queue.reload('SIGHUP'), queue.reload('http'), queue.reload('SIGHUP')];
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual(['SIGHUP']);
    finishers[0]();
    await first;
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual(['SIGHUP', 'SIGHUP']);
    finishers[1]();
    expect(await Promise.all(burst)).toEqual([[], [], []]);
    await queue.idle();
    expect(overlapped).toBe(false);
    // Idle again: the next request runs at once.
    const later = queue.reload('http');
    expect(started).toEqual(['SIGHUP', 'SIGHUP', 'http']);
    finishers[2]();
    await later;
  });
});

describe('restartOnlyChanges', () => {
  it('names each start-only key a new config changes, and nothing else', () => {
    const running = testConfig();
    expect(restartOnlyChanges(running, testConfig())).toEqual([]);
    const next = testConfig();
    next.ingest = { ...next.ingest, max_body_bytes: 1 };
    next.metrics = { ...next.metrics, listen: { host: '0.0.0.0', port: 9 }, latency_buckets_seconds: [1] };
    next.state_dir = '/var/lib/mlwatch';
    next.logging = { ...next.logging, level: 'debug' };
    expect(restartOnlyChanges(running, next).map((p) => p.split(':')[0])).toEqual(['ingest', 'metrics.listen', 'state_dir']);
  });
});

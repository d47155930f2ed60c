// The 30-second version of `npm run soak`, run by the suite: the maximum ingest rate is
// measured first, 80% of it held with a scrape every second. Asserted exactly: no failed
// scrape, no error answer, every acknowledged event counted. The RSS and event-loop bounds
// of the 10-minute soak (< 5% growth after warm-up, < 100 ms) are for a machine the soak
// has to itself; here other test files share the 2 cores and 30 s barely ends the warm-up,
// so the suite bounds them loosely (a leak or a stall still fails) and prints the figures.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SUITE_BOUNDS = { rssGrowth: 0.5, eventLoopDelaySeconds: 1 };

function runSoak(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'soak.js')], {
      cwd: ROOT,
      env: { ...process.env, SOAK_SECONDS: '30', SOAK_WARMUP_SECONDS: '10', SOAK_BURST_SECONDS: '3', SOAK_RECORD: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), 110_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('soak, 30 seconds', () => {
  it('holds 80% of the measured maximum with a scrape every second: nothing lost, no failed scrape', async () => {
    const { output } = await runSoak();
    const line = output.split('\n').find((l) => l.startsWith('SOAK_RESULT '));
    expect(line, output).toBeDefined();
    const r = JSON.parse((line as string).slice('SOAK_RESULT '.length)) as {
      scrapes: number; failedScrapes: number; acknowledged: number; counted: number; misses: string[];
      rssGrowth: number; maxEventLoopDelaySeconds: number; achievedEventsPerSecond: number; targetEventsPerSecond: number;
    };
    console.log(`soak 30 s: ${Math.round(r.achievedEventsPerSecond)} events/s held, RSS growth ${(r.rssGrowth * 100).toFixed(1)}%, ` +
      `largest event-loop delay ${(r.maxEventLoopDelaySeconds * 1000).toFixed(0)} ms; 10-minute targets: ${r.misses.length === 0 ? 'met' : r.misses.join('; ')}`);
    expect(r.scrapes).toBeGreaterThanOrEqual(25);
    expect(r.failedScrapes).toBe(0);
    expect(r.acknowledged).toBeGreaterThan(0);
    expect(r.counted).toBe(r.acknowledged);
    expect(r.misses.filter((m) => m.startsWith('ingest errors') || m.startsWith('mlwatch counted'))).toEqual([]);
    expect(r.achievedEventsPerSecond).toBeGreaterThan(0.5 * r.targetEventsPerSecond);
    expect(r.rssGrowth).toBeLessThan(SUITE_BOUNDS.rssGrowth);
    expect(r.maxEventLoopDelaySeconds).toBeLessThan(SUITE_BOUNDS.eventLoopDelaySeconds);
  }, 120_000);
});

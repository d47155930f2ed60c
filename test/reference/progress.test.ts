import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/reference/progress.js';

function fakeOutput(isTTY: boolean): { isTTY: boolean; writes: string[]; write(text: string): boolean } {
  const writes: string[] = [];
  return { isTTY, writes, write: (text) => writes.push(text) > 0 };
}

describe('build progress', () => {
  it('on a terminal: one bar redrawn in place, at most every 100 ms, always at a new pass and at 100%', () => {
    const output = fakeOutput(true);
    let now = 0;
    const progress = createProgressReporter(output, () => now);
    progress.update({ pass: 1, passes: 2, bytesRead: 100, bytesTotal: 1000, rows: 10 }); // new pass: drawn
    now = 50;
    progress.update({ pass: 1, passes: 2, bytesRead: 200, bytesTotal: 1000, rows: 20 }); // too soon
    now = 1000;
    progress.update({ pass: 1, passes: 2, bytesRead: 500, bytesTotal: 1000, rows: 5000 }); // drawn
    now = 1010;
    progress.update({ pass: 1, passes: 2, bytesRead: 1000, bytesTotal: 1000, rows: 10_000 }); // 100%: drawn
    now = 1020;
    progress.update({ pass: 2, passes: 2, bytesRead: 10, bytesTotal: 1000, rows: 1 }); // new pass: drawn
    progress.finish();
    expect(output.writes).toHaveLength(5);
    expect(output.writes.slice(0, 4).every((w) => w.startsWith('\r\x1b[2K'))).toBe(true);
    expect(output.writes[1]).toMatch(/pass 1\/2 \[=+ +\] {2}50% {2}5,000 rows {2}4,990 rows\/s$/); // rows since the pass's first report
    expect(output.writes[2]).toMatch(/pass 1\/2 \[={30}\] 100%/);
    expect(output.writes[3]).toMatch(/pass 2\/2 \[ {30}\] {3}1%/);
    expect(output.writes[4]).toBe('\n');
  });

  it('elsewhere: a plain line every 10% or every 5 s', () => {
    const output = fakeOutput(false);
    let now = 0;
    const progress = createProgressReporter(output, () => now);
    const total = 10 * 1024 * 1024;
    for (let read = 1; read <= 100; read++) {
      now += 10;
      progress.update({ pass: 1, passes: 2, bytesRead: (read * total) / 100, bytesTotal: total, rows: read * 100 });
    }
    expect(output.writes).toHaveLength(10);
    expect(output.writes[0]).toMatch(/^reference build: pass 1\/2, 10% of 10\.0 MiB, 1,000 rows \(10,000 rows\/s\)\n$/);
    expect(output.writes[9]).toMatch(/pass 1\/2, 100% of/);
    output.writes.length = 0;
    now += 10;
    progress.update({ pass: 2, passes: 2, bytesRead: 1, bytesTotal: total, rows: 1 });
    now += 6000;
    progress.update({ pass: 2, passes: 2, bytesRead: 2, bytesTotal: total, rows: 2 }); // slow: a line after 5 s anyway
    expect(output.writes).toEqual([expect.stringMatching(/^reference build: pass 2\/2, 0% of 10\.0 MiB, 2 rows \(0 rows\/s\)\n$/)]);
    progress.finish();
    expect(output.writes).toHaveLength(1); // nothing to end on a plain log
  });

  it('the noise levels: on a terminal a bar by sketches; elsewhere the first, every 5 s and the last', () => {
    const tty = fakeOutput(true);
    let now = 0;
    const bar = createProgressReporter(tty, () => now);
    bar.noise(0, 4);
    now = 50;
    bar.noise(1, 4); // too soon
    now = 200;
    bar.noise(2, 4);
    now = 210;
    bar.noise(4, 4); // the last: drawn
    bar.finish();
    expect(tty.writes).toEqual([
      `\r\x1b[2Knoise levels 0/4 (features and prediction) [${' '.repeat(30)}]`,
      `\r\x1b[2Knoise levels 2/4 (features and prediction) [${'='.repeat(15)}${' '.repeat(15)}]`,
      `\r\x1b[2Knoise levels 4/4 (features and prediction) [${'='.repeat(30)}]`,
      '\n',
    ]);
    const log = fakeOutput(false);
    now = 0;
    const lines = createProgressReporter(log, () => now);
    for (let done = 0; done <= 10; done++) {
      now += 1000;
      lines.noise(done, 10);
    }
    expect(log.writes).toEqual([
      'reference build: noise levels 0/10 (features and prediction)\n',
      'reference build: noise levels 5/10 (features and prediction)\n',
      'reference build: noise levels 10/10 (features and prediction)\n',
    ]);
  });
});

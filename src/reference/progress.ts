// Progress of a reference build on stderr: on a terminal, one bar redrawn in place at
// most ten times a second; otherwise (CI logs, pipes) a plain line every 10% or 5 s. The two
// passes over the data, then the noise levels (sketch by sketch: the first, every 5 s, the last).
import type { BuildProgress } from './build.js';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporter {
  update(progress: BuildProgress): void;
  /** The noise-level phase after the two passes: `done` of `total` sketches. */
  noise(done: number, total: number): void;
  /** Ends the bar's line (terminal) so later output starts on a fresh line. */
  finish(): void;
}

const REDRAW_MS = 100;
const LOG_EVERY_MS = 5000;
const BAR_WIDTH = 30;

/** `clock` returns milliseconds; injectable for tests. */
export function createProgressReporter(output: ProgressOutput, clock: () => number = () => performance.now()): ProgressReporter {
  let pass = 0;
  let passStart = 0;
  let passStartRows = 0;
  let lastShown = Number.NEGATIVE_INFINITY;
  let lastDecile = 0;
  let drawn = false;

  const rate = (progress: BuildProgress, now: number): string => {
    const seconds = (now - passStart) / 1000;
    return seconds > 0 ? `${Math.round((progress.rows - passStartRows) / seconds).toLocaleString('en-US')} rows/s` : '';
  };

  return {
    update(progress) {
      const now = clock();
      const newPass = progress.pass !== pass;
      if (newPass) {
        pass = progress.pass;
        passStart = now;
        passStartRows = progress.rows;
        lastShown = now;
        lastDecile = 0;
      }
      const fraction = progress.bytesTotal > 0 ? Math.min(1, progress.bytesRead / progress.bytesTotal) : 1;
      const percent = Math.floor(fraction * 100);
      const complete = fraction >= 1;
      if (output.isTTY) {
        if (!newPass && !complete && now - lastShown < REDRAW_MS) return;
        const filled = Math.round(fraction * BAR_WIDTH);
        const bar = '='.repeat(filled) + ' '.repeat(BAR_WIDTH - filled);
        output.write(`\r\x1b[2Kpass ${progress.pass}/${progress.passes} [${bar}] ${String(percent).padStart(3)}%  ${rows(progress)}  ${rate(progress, now)}`);
        drawn = true;
        lastShown = now;
        return;
      }
      const decile = Math.floor(percent / 10);
      if (decile <= lastDecile && now - lastShown < LOG_EVERY_MS) return;
      lastDecile = Math.max(lastDecile, decile);
      lastShown = now;
      const speed = rate(progress, now);
      output.write(
        `reference build: pass ${progress.pass}/${progress.passes}, ${percent}% of ${formatBytes(progress.bytesTotal)}, ${rows(progress)}${speed ? ` (${speed})` : ''}\n`,
      );
    },
    noise(done, total) {
      const now = clock();
      const complete = done >= total;
      if (done > 0 && !complete && now - lastShown < (output.isTTY ? REDRAW_MS : LOG_EVERY_MS)) return;
      lastShown = now;
      const what = `noise levels ${done}/${total} (features and prediction)`;
      if (output.isTTY) {
        const filled = total > 0 ? Math.round((done / total) * BAR_WIDTH) : BAR_WIDTH;
        output.write(`\r\x1b[2K${what} [${'='.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}]`);
        drawn = true;
      } else {
        output.write(`reference build: ${what}\n`);
      }
    },
    finish() {
      if (drawn) output.write('\n');
      drawn = false;
    },
  };
}

function rows(progress: BuildProgress): string {
  return `${progress.rows.toLocaleString('en-US')} rows`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

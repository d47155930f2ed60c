// `mlwatch serve` as its own process (the built CLI, or another build named by
// MLWATCH_TEST_CLI, to measure a baseline), with what a test needs to judge it from outside:
// the listeners' addresses, its peak RSS (Linux /proc: VmHWM, reset through clear_refs) and
// the event loop's worst delay since the last scrape (prom-client's lag_max, which resets on
// every collection).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { setPriority } from 'node:os';
import { join } from 'node:path';

export const MLWATCH_CLI = process.env.MLWATCH_TEST_CLI ?? join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  ingestPort: number;
  ingestUrl: string;
  metricsUrl: string;
  /** Everything it logged so far. */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export interface StartOptions {
  env?: Record<string, string>;
  cli?: string;
  /**
   * Raise the process's scheduling priority where allowed (root, or CAP_SYS_NICE), so that on a
   * machine shared with other work a measured event-loop stall is the sidecar's own work, not
   * time it spent waiting for a core. Returns whether it was raised.
   */
  favoured?: boolean;
}

/** Starts `mlwatch serve --config FILE` on free loopback ports; the config must log at info. */
export async function startServe(configPath: string, options: StartOptions = {}): Promise<ServeProcess & { favoured: boolean }> {
  const child = spawn(process.execPath, [options.cli ?? MLWATCH_CLI, 'serve', '--config', configPath, '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let favoured = false;
  if (options.favoured && child.pid !== undefined) {
    try {
      setPriority(child.pid, -20);
      favoured = true;
    } catch {
      // Not permitted: the stall figures then include waiting for a core.
    }
  }
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && exitCode === undefined) {
    const line = out.split('\n').find((l) => l.includes('"mlwatch serving"'));
    if (line) {
      const { ingest, metrics } = JSON.parse(line) as { ingest: string; metrics: string };
      return {
        favoured,
        child,
        pid: child.pid as number,
        ingestPort: Number(ingest.slice(ingest.lastIndexOf(':') + 1)),
        ingestUrl: `http://${ingest}`,
        metricsUrl: `http://${metrics}`,
        output: () => out,
        exited,
        stop: async () => {
          if (exitCode === undefined) child.kill('SIGTERM');
          const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
          const code = await exited;
          clearTimeout(force);
          return code;
        },
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`mlwatch serve did not start:\n${out}`);
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export const rssBytes = (pid: number): number => statusField(pid, 'VmRSS');
export const peakRssBytes = (pid: number): number => statusField(pid, 'VmHWM');

/** Reset the peak RSS (VmHWM) to the current RSS (Linux ≥ 4.0). */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** One sample's value from a scrape, by its exact series text; NaN when absent. */
export function sampleValue(exposition: string, series: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

/** Scrapes /metrics on a fresh connection (a kept-alive one may be closed by the server just as it is reused); returns the text. */
export function scrape(server: ServeProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(`${server.metricsUrl}/metrics`, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`scrape answered ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

// `mlwatch serve` (and any mlwatch command) as a user runs it, in its own process: the built binary (dist/), its
// output kept, the listeners' addresses read from its "mlwatch serving" log line.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

export interface ServeProcess {
  child: ChildProcess;
  /** host:port of each listener, as logged. */
  ingest: string;
  metrics: string;
  output: () => string;
  exit: Promise<number | null>;
  /** Resolves once a line of output contains `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
}

export interface ServeRun {
  code: number | null;
  output: string;
}

/** Runs `mlwatch ARGS` to its end. */
export function runMlwatch(args: string[], options: { nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<ServeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Starts `mlwatch serve ARGS` and waits until it logs that it serves. */
export async function startServe(args: string[], options: { nodeArgs?: string[]; startTimeoutMs?: number } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));
  const waitForOutput = async (text: string, timeoutMs = 15_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!out.includes(text)) {
      if (Date.now() > deadline) throw new Error(`mlwatch serve did not print "${text}" within ${timeoutMs} ms:\n${out}`);
      if (exitCode !== undefined && !out.includes(text)) throw new Error(`mlwatch serve exited (${exitCode}) before printing "${text}":\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  try {
    await waitForOutput('"mlwatch serving"', options.startTimeoutMs ?? 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const line = out.split('\n').find((l) => l.includes('"mlwatch serving"')) as string;
  const { ingest, metrics } = JSON.parse(line) as { ingest: string; metrics: string };
  return { child, ingest, metrics, output: () => out, exit, waitForOutput };
}

/** The sum of every sample of a metric in exposition text. */
export function sumOf(text: string, metric: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

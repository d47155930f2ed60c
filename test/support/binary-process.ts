// A real server binary run by a test: spawned with its recent output kept for error
// messages, polled until a readiness URL answers, and stopped with SIGTERM then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';

const KEPT_LINES = 40;
const STOP_TIMEOUT_MS = 5_000;

export interface SpawnedBinary {
  name: string;
  process: ChildProcess;
  /** The last lines the binary logged. */
  output: string[];
  exited: Promise<number | null>;
}

export function spawnBinary(name: string, path: string, args: string[]): SpawnedBinary {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
    if (output.length > KEPT_LINES) output.splice(0, output.length - KEPT_LINES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      output.push(String(error));
      resolve(null);
    });
  });
  return { name, process: child, output, exited };
}

/** Polls `readyUrl` every 100 ms until it answers 2xx; fails early, with the log, if the binary exits. */
export async function waitReady(binary: SpawnedBinary, readyUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void binary.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`${binary.name} exited (code ${exitCode}) before it was ready:\n${binary.output.join('\n')}`);
    }
    try {
      const response = await fetch(readyUrl);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${binary.name} at ${readyUrl} not ready after ${timeoutMs} ms:\n${binary.output.join('\n')}`);
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
export function terminate(child: ChildProcess): Promise<void> {
  // No pid: the spawn itself failed, there is nothing to stop.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

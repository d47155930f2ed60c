// `npm run demo` stopped by signalling npm, with real processes: npm runs its script through
// `sh -c`, which does not pass signals on, so the script execs node, and the demo (run with
// --stop-with-parent) also stops when npm dies without forwarding anything (SIGKILL). Each
// case runs the package.json script as written, in a scratch copy of the package (its own
// dist/ and reference, node_modules linked), then checks that every process npm started is
// gone and that the demo's ports can be bound again (a second demo would start).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = new Set<number>();
const scratch = await mkdtemp(join(tmpdir(), 'mlwatch-npm-demo-'));

afterAll(async () => {
  // Whatever a failed case left running, by the pids this file saw start.
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

async function packageCopy(name: string): Promise<string> {
  const dir = join(scratch, name);
  await mkdir(join(dir, 'examples', 'credit'), { recursive: true });
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'types']) await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
  for (const file of ['mlwatch.yaml', 'train.csv']) await cp(join(ROOT, 'examples', 'credit', file), join(dir, 'examples', 'credit', file));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

interface NpmDemo {
  npm: ChildProcess;
  output: () => string;
  /** Every holder of npm's stdout (npm, sh, the demo) has exited. */
  closed: Promise<void>;
}

function startNpmDemo(dir: string): NpmDemo {
  const args = ['run', 'demo', '--', '--ingest-listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--rate', '50', '--report-every', '1'];
  const npm = spawn(NPM, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  if (npm.pid !== undefined) started.add(npm.pid);
  let text = '';
  npm.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  npm.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => npm.stdout?.once('close', resolve));
  return { npm, output: () => text, closed };
}

async function waitFor<T>(what: string, demo: NpmDemo, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not seen in ${timeoutMs} ms; npm printed:\n${demo.output()}`);
}

/** The demo's ports, from its banner, once it has printed a table (so it is sending). */
function demoPorts(text: string): number[] | undefined {
  const ingest = /ingest\s+POST http:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
  const metrics = /metrics\s+http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(text);
  if (ingest === null || metrics === null || !/^feature\s+PSI/m.test(text)) return undefined;
  return [Number(ingest[1]), Number(metrics[1])];
}

/** pid and all its descendants, read from /proc (Linux). */
async function processTree(pid: number): Promise<number[]> {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    const tasks = await readdir(`/proc/${tree[i]}/task`).catch(() => []);
    for (const task of tasks) {
      const children = await readFile(`/proc/${tree[i]}/task/${task}/children`, 'utf8').catch(() => '');
      for (const child of children.split(' ').filter(Boolean).map(Number)) if (!tree.includes(child)) tree.push(child);
    }
  }
  return tree;
}

/** Running or sleeping; a zombie (exited, not yet reaped by a non-reaping init) is gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe.skipIf(process.platform !== 'linux')('npm run demo stopped through npm', () => {
  it.each([
    ['SIGTERM', 'SIGTERM' as const, /stopped \(SIGTERM\) after/],
    ['SIGKILL (npm cannot forward it)', 'SIGKILL' as const, /stopped \(the parent process \d+ exited\) after/],
  ])('%s to npm stops the demo and frees its ports', async (_name, signal, stopped) => {
    const demo = startNpmDemo(await packageCopy(signal));
    const ports = await waitFor('the demo sending', demo, () => demoPorts(demo.output()), 120_000);
    const tree = await processTree(demo.npm.pid as number);
    for (const pid of tree) started.add(pid);
    expect(tree.length, 'npm and the demo').toBeGreaterThanOrEqual(2);
    expect(await Promise.all(ports.map(canBind))).toEqual([false, false]);

    demo.npm.kill(signal);
    await Promise.race([demo.closed, new Promise((r) => setTimeout(r, 20_000))]);
    const left = tree.filter(alive);
    expect(left, `processes still running; npm printed:\n${demo.output()}`).toEqual([]);
    expect(demo.output()).toMatch(stopped);
    expect(await Promise.all(ports.map(canBind))).toEqual([true, true]);
  }, 180_000);
});

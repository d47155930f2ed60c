// A real redis-server (the Debian package's /usr/bin/redis-server) for the fleet's label-join
// tests: no persistence, loopback only, a free port; it can be killed and started again on the
// same port to test Redis going away and coming back.
import { createConnection } from 'node:net';
import { sleep, spawnBinary, terminate, type SpawnedBinary } from './binary-process.js';
import { binaryGate, freeLoopbackPort } from './prometheus.js';

export const REDIS_BIN = '/usr/bin/redis-server';
export const redisGate = binaryGate(REDIS_BIN, 'redis-server');

export interface RedisServer {
  port: number;
  url: string;
  binary: SpawnedBinary;
  /** Stop it (SIGKILL: Redis just gone, as in a crash). */
  kill(): Promise<void>;
  /** Start it again on the same port (empty: nothing was persisted). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** PING over a raw socket; true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // With requirepass it answers NOAUTH: it is up all the same.
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString('utf8'))));
  });
}

async function spawnOn(port: number, password: string | undefined): Promise<SpawnedBinary> {
  const auth = password === undefined ? [] : ['--requirepass', password];
  const binary = spawnBinary('redis-server', REDIS_BIN, ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', ...auth]);
  const deadline = Date.now() + 10_000;
  let exited = false;
  void binary.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server exited before it answered PING:\n${binary.output.join('\n')}`);
    if (await ping(port)) return binary;
    await sleep(50);
  }
  throw new Error(`redis-server on ${port} did not answer PING:\n${binary.output.join('\n')}`);
}

/** A redis-server on a free port; with `password`, it requires it (and the URL holds it). */
export async function startRedis(password?: string): Promise<RedisServer> {
  const port = await freeLoopbackPort();
  const server: RedisServer = {
    port,
    url: password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${password}@127.0.0.1:${port}`,
    binary: await spawnOn(port, password),
    async kill() {
      server.binary.process.kill('SIGKILL');
      await server.binary.exited;
    },
    async restart() {
      server.binary = await spawnOn(port, password);
    },
    stop: () => terminate(server.binary.process),
  };
  return server;
}

/** Polls `check` every 25 ms until it holds. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// The Redis label store's cost per prediction with an id, against the in-process store:
// `npm run build && node bench/label-store.js`. Starts its own redis-server (no persistence, a
// free loopback port), then per store records N predictions (distinct ids) and measures the
// hot path alone (µs per prediction, as the ingest request pays it) and the whole cost to
// the process until every record is in Redis (CPU µs per prediction, flushes included), and
// the Redis round trips (pipelines) per 1000 predictions.
//
// Knobs: LABEL_BENCH_PREDICTIONS (200000), LABEL_BENCH_REPS (3), REDIS_SERVER (/usr/bin/redis-server).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { IdHash } from '../dist/monitor/labels/id-hash.js';
import { JoinStore } from '../dist/monitor/labels/join-store.js';
import { LabelStoreConnection } from '../dist/monitor/labels/redis/connection.js';
import { FleetJoin } from '../dist/monitor/labels/redis/fleet-join.js';

const N = Number(process.env.LABEL_BENCH_PREDICTIONS ?? 200_000);
const REPS = Number(process.env.LABEL_BENCH_REPS ?? 3);
const REDIS = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const index = { variantNames: ['a', 'b'], segments: [{ values: ['x', 'y', '__missing__'] }] };
const segments = Uint16Array.of(1);
const hash = new IdHash();
const ids = Array.from({ length: N }, (_, i) => `req-${i}-${(i * 2654435761) >>> 0}`);

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Record every prediction; returns hot-path µs per prediction. */
function record(store, t0) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    hash.of(ids[i]);
    store.addPrediction(hash.h1, hash.h2, i & 1, segments, 1, 0.7, t0 + i);
  }
  return Number(process.hrtime.bigint() - started) / 1000 / N;
}

function memory() {
  const cpu = process.cpuUsage();
  const store = new JoinStore(N, 86_400_000, 1, () => {});
  const hot = record(store, Date.now());
  const used = process.cpuUsage(cpu);
  return { hot, cpu: (used.user + used.system) / N, trips: 0 };
}

async function redis(connection, rep) {
  const store = new FleetJoin(connection, `bench${rep}:{m:0}:`, 86_400_000, N * 2, index, () => {}, Date.now, N);
  store.start();
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  const hot = record(store, Date.now());
  while (store.outbox.count > 0 || store.roundTrips * 500 < N) await sleep(1);
  await store.flush();
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - wall) / 1e9;
  await store.stop();
  if (store.errors[0] > 0) throw new Error(`${store.errors[0]} write errors`);
  return { hot, cpu: (used.user + used.system) / N, trips: (store.roundTrips / N) * 1000, rate: N / seconds };
}

const port = await freePort();
const server = spawn(REDIS, ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
try {
  const connection = new LabelStoreConnection({ backend: 'redis', url: `redis://127.0.0.1:${port}`, key_prefix: '' }, pino({ level: 'silent' }));
  for (let i = 0; i < 200 && !connection.ready; i++) await sleep(25);
  const rows = [];
  for (let rep = 0; rep < REPS; rep++) rows.push({ memory: memory(), redis: await redis(connection, rep) });
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = (k, f) => median(rows.map((r) => r[k][f]));
  console.log(`${N} predictions with an id, median of ${REPS} runs (node ${process.version})`);
  console.log(`in-process store: hot path ${m('memory', 'hot').toFixed(3)} µs/prediction, process CPU ${m('memory', 'cpu').toFixed(3)} µs/prediction`);
  console.log(
    `redis store:      hot path ${m('redis', 'hot').toFixed(3)} µs/prediction, process CPU until all in Redis ${m('redis', 'cpu').toFixed(3)} µs/prediction, ` +
      `${m('redis', 'trips').toFixed(1)} round trips per 1000 predictions, ${Math.round(m('redis', 'rate'))} predictions/s end to end`,
  );
  await connection.close();
} finally {
  server.kill('SIGKILL');
}

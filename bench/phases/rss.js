// (e): the sidecar's resident memory while it takes 10M events in NDJSON batches of 1000.
// A fresh sidecar; wrk posts until mlwatch_predictions_total reaches the target or the time
// cap passes; every second the harness reads VmRSS and the counter.
import { join } from 'node:path';
import { rssBytes, sleep, stopChild } from '../lib/processes.js';
import { scrape, startMlwatch, sumSamples } from '../lib/servers.js';
import { median } from '../lib/stats.js';
import { startWrk } from '../lib/wrk.js';
import { writeBodies } from '../lib/workload.js';

const EVENTS_PER_BATCH = 1000;
// Few connections: each in-flight 1000-event body is buffered and parsed at once, and the
// point is what mlwatch keeps, not how many bodies are in flight.
const CONNECTIONS = 4;
// "Flat": RSS rises through GC cycles and falls back, so single samples are compared badly.
// Compared instead: the median RSS over the last 10% of the events against the median over
// 20–30% of them (for 10M events: 9M–10M against 2M–3M); flat when less than 10% higher.
export const FLAT_GROWTH = 0.1;
export const EARLY_WINDOW = [0.2, 0.3];
export const LATE_FROM = 0.9;

/**
 * @typedef {object} RssSample
 * @property {number} seconds
 * @property {number} events
 * @property {number} rss   bytes
 * @property {number | null} heapUsed  V8 heap in use, bytes (mlwatch's own process metric)
 */

/**
 * @typedef {object} RssResult
 * @property {number} targetEvents
 * @property {number} capSeconds
 * @property {number} events        counted by mlwatch at the end
 * @property {number} seconds       how long the drive took
 * @property {'events' | 'time'} stoppedBy
 * @property {number} eventsPerSecond
 * @property {number} startRss      after start-up, before any event
 * @property {number | null} rssAt1M
 * @property {number | null} rssAt2M
 * @property {number} maxRss
 * @property {number} endRss        last sample under load
 * @property {number | null} earlyRss  median over 20–30% of the events
 * @property {number | null} lateRss   median over the last 10% of the events
 * @property {number | null} growth    (late - early) / early
 * @property {boolean | null} flat
 * @property {RssSample[]} samples
 */

/**
 * @param {object} ctx
 * @param {string} ctx.workdir
 * @param {string} ctx.configPath
 * @param {import('../lib/workload.js').ModelSpec} ctx.spec
 * @param {number} ctx.targetEvents
 * @param {number} ctx.capSeconds
 * @param {(line: string) => void} ctx.log
 * @returns {Promise<RssResult>}
 */
export async function measureRss(ctx) {
  const bodies = writeBodies(join(ctx.workdir, 'batch1000.bodies'), ctx.spec, { count: 8, eventsPerBody: EVENTS_PER_BATCH, seed: 303 });
  const server = await startMlwatch(ctx.configPath, ctx.workdir, { name: 'mlwatch-rss' });
  const metrics = /** @type {string} */ (server.metrics);
  try {
    await sleep(1000); // let start-up settle
    const startRss = rssOrThrow(server.child.pid);
    /** @type {RssSample[]} */
    const samples = [{ seconds: 0, events: 0, rss: startRss, heapUsed: heapUsed(await scrape(metrics)) }];
    const wrk = startWrk({
      url: `${server.base}/v1/models/${ctx.spec.name}/predictions`,
      bodiesFile: bodies.path,
      contentType: bodies.contentType,
      seconds: ctx.capSeconds + 30, // the harness stops it; this is only a backstop
      connections: CONNECTIONS,
      serverPid: server.child.pid,
      logPath: join(ctx.workdir, 'wrk-rss.log'),
      stopAfter: Math.ceil(ctx.targetEvents / EVENTS_PER_BATCH),
    });
    let wrkDone = false;
    const wrkResult = wrk.result.finally(() => (wrkDone = true));
    const started = performance.now();
    let stoppedBy = /** @type {'events' | 'time'} */ ('time');
    for (;;) {
      await sleep(1000);
      const seconds = (performance.now() - started) / 1000;
      const text = await scrape(metrics);
      const events = sumSamples(text, 'mlwatch_predictions_total');
      samples.push({ seconds, events, rss: rssOrThrow(server.child.pid), heapUsed: heapUsed(text) });
      if (events >= ctx.targetEvents) {
        stoppedBy = 'events';
        break;
      }
      if (seconds >= ctx.capSeconds) break;
      if (wrkDone) throw new Error(`wrk stopped early at ${events} events: ${JSON.stringify(await wrkResult)}`);
      if (samples.length % 10 === 0) ctx.log(`rss drive: ${(events / 1e6).toFixed(1)}M events, RSS ${mb(samples.at(-1)?.rss ?? 0)} MB`);
    }
    wrk.stop();
    const result = await wrkResult;
    if (result.errors.status > 0) throw new Error(`mlwatch answered ${result.errors.status} batches with an error status`);
    const last = /** @type {RssSample} */ (samples.at(-1));
    const at = (/** @type {number} */ n) => samples.find((s) => s.events >= n)?.rss ?? null;
    const { early, late } = flatWindows(samples, last.events);
    const growth = early === null || late === null ? null : (late - early) / early;
    return {
      targetEvents: ctx.targetEvents,
      capSeconds: ctx.capSeconds,
      events: last.events,
      seconds: last.seconds,
      stoppedBy,
      eventsPerSecond: last.events / last.seconds,
      startRss,
      rssAt1M: at(1_000_000),
      rssAt2M: at(2_000_000),
      maxRss: Math.max(...samples.map((s) => s.rss)),
      endRss: last.rss,
      earlyRss: early,
      lateRss: late,
      growth,
      flat: growth === null ? null : growth < FLAT_GROWTH,
      samples,
    };
  } finally {
    await stopChild(server.child);
  }
}

/**
 * Median RSS over the early and the late window of the run (null when a window is empty).
 * @param {RssSample[]} samples
 * @param {number} events  at the end
 */
function flatWindows(samples, events) {
  const within = (/** @type {number} */ from, /** @type {number} */ to) =>
    samples.filter((s) => s.events >= from * events && s.events < to * events).map((s) => s.rss);
  const early = within(EARLY_WINDOW[0], EARLY_WINDOW[1]);
  const late = within(LATE_FROM, Number.POSITIVE_INFINITY);
  return { early: early.length > 0 ? median(early) : null, late: late.length > 0 ? median(late) : null };
}

/** @param {string} metricsText */
function heapUsed(metricsText) {
  const used = sumSamples(metricsText, 'mlwatch_nodejs_heap_size_used_bytes');
  return used > 0 ? used : null;
}

/** @param {number} pid */
function rssOrThrow(pid) {
  const rss = rssBytes(pid);
  if (rss === null) throw new Error(`cannot read /proc/${pid}/status (the sidecar is gone?)`);
  return rss;
}

/** Megabytes of 10^6 bytes, the unit of the target. @param {number} bytes */
export function mb(bytes) {
  return (bytes / 1e6).toFixed(1);
}

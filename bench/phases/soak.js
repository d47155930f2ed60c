// The soak: the maximum ingest rate measured first in the same run (a short wrk burst of
// NDJSON batches of 100 against a sidecar), then a fresh sidecar held at a share of it by
// the paced sender (its own process) while the harness scrapes /metrics every second and
// reads the sidecar's RSS. Judged after the warm-up: RSS growth, the largest event-loop
// delay the sidecar saw (mlwatch_event_loop_delay_max_seconds each second, and its
// histogram for the seconds between scrapes), failed scrapes, and events lost.
import { join } from 'node:path';
import { rssBytes, sleep, startChild, stopChild } from '../lib/processes.js';
import { ROOT, startMlwatch, sumSamples } from '../lib/servers.js';
import { median } from '../lib/stats.js';
import { startWrk } from '../lib/wrk.js';
import { writeBodies } from '../lib/workload.js';

const EVENTS_PER_BATCH = 100;
export const SOAK_TARGETS = { rssGrowth: 0.05, eventLoopDelaySeconds: 0.1, failedScrapes: 0 };

/**
 * @typedef {object} SoakResult
 * @property {number} seconds         held this long at the paced rate
 * @property {number} warmupSeconds
 * @property {number} maxEventsPerSecond   measured by the burst
 * @property {number} share
 * @property {number} targetEventsPerSecond
 * @property {number} achievedEventsPerSecond
 * @property {number} acknowledged    events the sidecar answered 200 for
 * @property {number} counted         mlwatch_predictions_total at the end
 * @property {number} scrapes
 * @property {number} failedScrapes
 * @property {number} maxScrapeMs
 * @property {number} rssAfterWarmup  median RSS over the 10% of the run after the warm-up
 * @property {number} rssLate         median RSS over the last 10%
 * @property {number} rssMax
 * @property {number} rssGrowth
 * @property {number} maxEventLoopDelaySeconds  largest per-second maximum after the warm-up
 * @property {number} secondsOverDelayTarget    seconds after the warm-up whose delay exceeded the target (histogram)
 * @property {number} senderMaxBacklog
 * @property {{ seconds: number, rss: number, delay: number, scrapeMs: number }[]} samples
 * @property {boolean} passed
 * @property {string[]} misses
 */

/**
 * @param {object} ctx
 * @param {string} ctx.workdir
 * @param {string} ctx.configPath
 * @param {import('../lib/workload.js').ModelSpec} ctx.spec
 * @param {number} ctx.seconds
 * @param {number} ctx.warmupSeconds
 * @param {number} ctx.burstSeconds
 * @param {number} ctx.share
 * @param {(line: string) => void} ctx.log
 * @returns {Promise<SoakResult>}
 */
export async function measureSoak(ctx) {
  const bodies = writeBodies(join(ctx.workdir, 'soak-batch100.bodies'), ctx.spec, { count: 32, eventsPerBody: EVENTS_PER_BATCH, seed: 404 });
  const maxEventsPerSecond = await burst(ctx, bodies);
  const targetEventsPerSecond = maxEventsPerSecond * ctx.share;
  const requestsPerSecond = targetEventsPerSecond / EVENTS_PER_BATCH;
  ctx.log(`soak: maximum ${Math.round(maxEventsPerSecond)} events/s; holding ${Math.round(targetEventsPerSecond)} events/s (${ctx.share * 100}%) for ${ctx.seconds} s`);

  const server = await startMlwatch(ctx.configPath, ctx.workdir, { name: 'mlwatch-soak' });
  const metricsUrl = /** @type {string} */ (server.metrics);
  const sender = startChild(
    'paced-sender',
    process.execPath,
    [join(ROOT, 'bench', 'lib', 'paced-sender.js'), `${server.base}/v1/models/${ctx.spec.name}/predictions`, bodies.path, bodies.contentType, String(requestsPerSecond), String(ctx.seconds), '16'],
    { logPath: join(ctx.workdir, 'paced-sender.log'), stdout: 'pipe' },
  );
  let senderOut = '';
  sender.process.stdout?.on('data', (chunk) => (senderOut += chunk));
  /** @type {SoakResult['samples']} */
  const samples = [];
  let failedScrapes = 0;
  let delayHistogramAtWarmup = { count: 0, over: 0 };
  let lastText = '';
  try {
    const started = performance.now();
    for (let tick = 1; ; tick++) {
      await sleep(Math.max(0, started + tick * 1000 - performance.now()));
      const seconds = (performance.now() - started) / 1000;
      if (!sender.running) break;
      const t0 = performance.now();
      try {
        const response = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        lastText = await response.text();
      } catch {
        failedScrapes++;
        continue;
      }
      const scrapeMs = performance.now() - t0;
      const rss = rssBytes(server.child.pid) ?? Number.NaN;
      samples.push({ seconds, rss, delay: sumSamples(lastText, 'mlwatch_event_loop_delay_max_seconds'), scrapeMs });
      if (seconds <= ctx.warmupSeconds) delayHistogramAtWarmup = delayOverTarget(lastText);
      if (tick % 60 === 0) ctx.log(`soak: ${Math.round(seconds)} s, RSS ${(rss / 1e6).toFixed(1)} MB`);
    }
    const { code } = await sender.exited;
    const line = senderOut.split('\n').find((l) => l.startsWith('PACED_RESULT '));
    if (code !== 0 || !line) throw new Error(`the paced sender ended (code ${code}) without a result:\n${senderOut}`);
    const sent = JSON.parse(line.slice('PACED_RESULT '.length));
    const finalText = await (await fetch(`${metricsUrl}/metrics`)).text();
    const counted = sumSamples(finalText, 'mlwatch_predictions_total');
    const end = delayOverTarget(finalText);
    return summarise(ctx, {
      maxEventsPerSecond,
      targetEventsPerSecond,
      sent,
      counted,
      samples,
      failedScrapes,
      secondsOverDelayTarget: end.over - delayHistogramAtWarmup.over,
    });
  } finally {
    await stopChild(sender, 2000);
    await stopChild(server.child);
  }
}

/**
 * Events per second a fresh sidecar takes from wrk (64 connections) in NDJSON batches of 100.
 * @param {Parameters<typeof measureSoak>[0]} ctx
 * @param {{ path: string, contentType: string }} bodies
 */
async function burst(ctx, bodies) {
  const server = await startMlwatch(ctx.configPath, ctx.workdir, { name: 'mlwatch-burst' });
  try {
    const wrk = startWrk({
      url: `${server.base}/v1/models/${ctx.spec.name}/predictions`,
      bodiesFile: bodies.path,
      contentType: bodies.contentType,
      seconds: ctx.burstSeconds,
      connections: 64,
      serverPid: server.child.pid,
      logPath: join(ctx.workdir, 'wrk-burst.log'),
    });
    const result = await wrk.result;
    if (result.errors.status > 0) throw new Error(`the burst got ${result.errors.status} error answers`);
    return result.requestsPerSecond * EVENTS_PER_BATCH;
  } finally {
    await stopChild(server.child);
  }
}

/**
 * Seconds (histogram observations) whose largest delay was above the target.
 * @param {string} text
 */
function delayOverTarget(text) {
  const count = sumSamples(text, 'mlwatch_event_loop_delay_seconds_count');
  const within = sumSamples(text, 'mlwatch_event_loop_delay_seconds_bucket', `le="${SOAK_TARGETS.eventLoopDelaySeconds}"`);
  return { count, over: count - within };
}

/**
 * @param {Parameters<typeof measureSoak>[0]} ctx
 * @param {{ maxEventsPerSecond: number, targetEventsPerSecond: number, sent: { accepted: number, answered: number, seconds: number, maxBacklog: number, status: Record<string, number>, failed: number }, counted: number, samples: SoakResult['samples'], failedScrapes: number, secondsOverDelayTarget: number }} m
 * @returns {SoakResult}
 */
function summarise(ctx, m) {
  const after = m.samples.filter((s) => s.seconds > ctx.warmupSeconds);
  const span = ctx.seconds - ctx.warmupSeconds;
  const early = after.filter((s) => s.seconds <= ctx.warmupSeconds + 0.1 * span).map((s) => s.rss);
  const late = after.filter((s) => s.seconds >= ctx.seconds - 0.1 * span).map((s) => s.rss);
  const rssAfterWarmup = early.length > 0 ? median(early) : Number.NaN;
  const rssLate = late.length > 0 ? median(late) : Number.NaN;
  const rssGrowth = (rssLate - rssAfterWarmup) / rssAfterWarmup;
  const maxEventLoopDelaySeconds = Math.max(0, ...after.map((s) => s.delay));
  const misses = [];
  if (!(rssGrowth < SOAK_TARGETS.rssGrowth)) misses.push(`RSS grew ${(rssGrowth * 100).toFixed(1)}% after the warm-up (target < ${SOAK_TARGETS.rssGrowth * 100}%)`);
  if (maxEventLoopDelaySeconds >= SOAK_TARGETS.eventLoopDelaySeconds || m.secondsOverDelayTarget > 0) {
    misses.push(`event-loop delay ${(maxEventLoopDelaySeconds * 1000).toFixed(0)} ms at most, ${m.secondsOverDelayTarget} s over ${SOAK_TARGETS.eventLoopDelaySeconds * 1000} ms`);
  }
  if (m.failedScrapes > SOAK_TARGETS.failedScrapes) misses.push(`${m.failedScrapes} failed scrapes`);
  const errors = Object.entries(m.sent.status).filter(([status]) => status !== '200');
  if (errors.length > 0 || m.sent.failed > 0) misses.push(`ingest errors: ${JSON.stringify(Object.fromEntries(errors))}, ${m.sent.failed} failed requests`);
  if (m.counted !== m.sent.accepted) misses.push(`mlwatch counted ${m.counted} events, ${m.sent.accepted} were acknowledged`);
  return {
    seconds: ctx.seconds,
    warmupSeconds: ctx.warmupSeconds,
    maxEventsPerSecond: m.maxEventsPerSecond,
    share: ctx.share,
    targetEventsPerSecond: m.targetEventsPerSecond,
    achievedEventsPerSecond: m.sent.accepted / m.sent.seconds,
    acknowledged: m.sent.accepted,
    counted: m.counted,
    scrapes: m.samples.length + m.failedScrapes,
    failedScrapes: m.failedScrapes,
    maxScrapeMs: Math.max(0, ...m.samples.map((s) => s.scrapeMs)),
    rssAfterWarmup,
    rssLate,
    rssMax: Math.max(...m.samples.map((s) => s.rss)),
    rssGrowth,
    maxEventLoopDelaySeconds,
    secondsOverDelayTarget: m.secondsOverDelayTarget,
    senderMaxBacklog: m.sent.maxBacklog,
    samples: m.samples,
    passed: misses.length === 0,
    misses,
  };
}

// The results, against the issue's targets: a plain table for stdout and bench/RESULTS.md.
import { EARLY_WINDOW, FLAT_GROWTH, LATE_FROM, mb } from '../phases/rss.js';
import { formatLabelTables, labelMisses } from './labels-report.js';
import { median } from './stats.js';

export const TARGETS = {
  singleRatio: 0.6,
  batchRatio: 0.5,
  scrapeMs: 50,
  rssBytes: 150e6,
  /** The sliced model (2 segment features, 2 variants) keeps this share of the unsliced ratio. */
  slicedShare: 0.85,
};

/**
 * @typedef {object} Results
 * @property {{ cases: import('../phases/ingest.js').IngestCase[] } | null} ingest
 * @property {{ cases: import('../phases/labels.js').LabelCase[] } | null} labels
 * @property {import('../phases/scrape.js').ScrapeResult | null} scrape
 * @property {import('../phases/rss.js').RssResult | null} rss
 */

/**
 * @typedef {object} RunInfo
 * @property {string} date
 * @property {string} command
 * @property {string} machine
 * @property {string} node
 * @property {string} wrk
 * @property {string} commit
 * @property {string} load
 * @property {{ seconds: number, warmupSeconds: number, reps: number, connections: number }} ingest
 */

const LABEL = { single: 'single event', batch100: 'NDJSON batch of 100' };

/**
 * Ratios of mlwatch (and express) to the bare handler on the same bodies.
 * @param {import('../phases/ingest.js').IngestCase[]} cases
 */
export function ingestRatios(cases) {
  const find = (/** @type {string} */ server, /** @type {string} */ body) => cases.find((c) => c.server === server && c.body === body);
  const ratio = (/** @type {string} */ server, /** @type {'single' | 'batch100'} */ body) => {
    const a = find(server, body);
    const b = find('bare', body);
    if (!a || !b) return null;
    // Each repetition ran the servers back to back: the per-repetition ratios show the spread.
    const perRep = a.runs.map((r, i) => r.requestsPerSecond / b.runs[i].requestsPerSecond);
    return {
      ratio: a.requestsPerSecond / b.requestsPerSecond,
      min: Math.min(...perRep),
      max: Math.max(...perRep),
      perCpu: perCpuSecond(a) / perCpuSecond(b),
    };
  };
  return {
    single: ratio('mlwatch', 'single'),
    batch: ratio('mlwatch', 'batch100'),
    express: ratio('express', 'single'),
    slicedSingle: ratio('mlwatch-sliced', 'single'),
    slicedBatch: ratio('mlwatch-sliced', 'batch100'),
  };
}

/**
 * Requests per second of server CPU (median over the runs): what a request costs, whatever
 * share of the machine the server got — a cross-check when other processes compete.
 * @param {import('../phases/ingest.js').IngestCase} c
 */
function perCpuSecond(c) {
  return median(c.runs.map((r) => (r.serverCpu ? r.requestsPerSecond / r.serverCpu : Number.NaN)));
}

/**
 * @param {Results} results
 * @returns {string[]}  the findings that miss a target (empty when all are met)
 */
export function misses(results) {
  const out = [];
  if (results.ingest) {
    const r = ingestRatios(results.ingest.cases);
    if (r.single && r.single.ratio < TARGETS.singleRatio) out.push(`single events ${ratioText(r.single.ratio)} bare < ${TARGETS.singleRatio}×`);
    if (r.batch && r.batch.ratio < TARGETS.batchRatio) out.push(`NDJSON batches ${ratioText(r.batch.ratio)} bare < ${TARGETS.batchRatio}×`);
    /** @type {[string, ReturnType<typeof ingestRatios>['single'], ReturnType<typeof ingestRatios>['single']][]} */
    const pairs = [['single events', r.slicedSingle, r.single], ['NDJSON batches', r.slicedBatch, r.batch]];
    for (const [what, sliced, unsliced] of pairs) {
      if (sliced && unsliced && sliced.ratio < TARGETS.slicedShare * unsliced.ratio) {
        out.push(`sliced ${what} ${ratioText(sliced.ratio)} bare < ${TARGETS.slicedShare} × unsliced ${ratioText(unsliced.ratio)}`);
      }
    }
  }
  if (results.labels) out.push(...labelMisses(results.labels));
  if (results.scrape && results.scrape.medianMs >= TARGETS.scrapeMs) out.push(`scrape median ${results.scrape.medianMs.toFixed(1)} ms ≥ ${TARGETS.scrapeMs} ms`);
  if (results.scrape && results.scrape.p95Ms >= TARGETS.scrapeMs) out.push(`scrape p95 ${results.scrape.p95Ms.toFixed(1)} ms ≥ ${TARGETS.scrapeMs} ms`);
  if (results.rss) {
    if (results.rss.maxRss >= TARGETS.rssBytes) out.push(`max RSS ${mb(results.rss.maxRss)} MB ≥ ${mb(TARGETS.rssBytes)} MB`);
    if (results.rss.flat === false) out.push(`RSS not flat: late median ${(100 * (results.rss.growth ?? 0)).toFixed(1)}% above early median`);
    if (results.rss.events < results.rss.targetEvents) out.push(`only ${results.rss.events} of ${results.rss.targetEvents} events within ${results.rss.capSeconds} s`);
  }
  return out;
}

/**
 * Markdown tables (also printed to stdout: they read fine as plain text).
 * @param {Results} results
 * @param {RunInfo} info
 */
export function formatTables(results, info) {
  const lines = [];
  if (results.ingest) {
    const { cases } = results.ingest;
    const r = ingestRatios(cases);
    const i = info.ingest;
    lines.push(
      `### Ingest throughput (wrk: 1 thread, ${i.connections} connections; ${i.reps} × ${i.seconds} s per case after ${i.warmupSeconds} s warm-up; medians)`,
      '',
      '| server | body | bytes/request | req/s | events/s | × bare (min–max per rep) | target | server CPU | wrk CPU | × bare per CPU-second | p99 latency |',
      '|---|---|---:|---:|---:|---|---|---:|---:|---:|---:|',
    );
    for (const c of cases) {
      const sliced = c.server === 'mlwatch-sliced';
      const unsliced = c.body === 'single' ? r.single : r.batch;
      const ratio = c.server === 'bare' ? null : c.server === 'express' ? r.express : sliced ? (c.body === 'single' ? r.slicedSingle : r.slicedBatch) : unsliced;
      const target = c.server === 'mlwatch' ? (c.body === 'single' ? TARGETS.singleRatio : TARGETS.batchRatio) : sliced && unsliced ? TARGETS.slicedShare * unsliced.ratio : null;
      const verdict =
        target === null || ratio === null
          ? c.server === 'express' ? 'reference' : ''
          : `≥ ${sliced ? `${TARGETS.slicedShare} × unsliced = ${target.toFixed(2)}` : target}× ${ratio.ratio >= target ? 'met' : '**MISSED**'}`;
      lines.push(
        `| ${c.server} | ${LABEL[c.body]} | ${c.bytesPerRequest} | ${fmt(c.requestsPerSecond)} | ${fmt(c.eventsPerSecond)} | ` +
          `${ratio ? `${ratioText(ratio.ratio)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})` : '1×'} | ${verdict} | ` +
          `${share(median(c.runs.map((x) => x.serverCpu ?? Number.NaN)))} | ${share(median(c.runs.map((x) => x.wrkCpu ?? Number.NaN)))} | ` +
          `${ratio ? ratioText(ratio.perCpu) : '1×'} | ${median(c.runs.map((x) => x.latencyMs.p99)).toFixed(1)} ms |`,
      );
    }
    lines.push(
      '',
      'CPU columns: share of one core used during the runs (from /proc). "Per CPU-second" divides each ' +
        'server\'s req/s by its CPU share: a cross-check of the ratio when other processes took CPU. The targets apply to the req/s ratio.',
      '',
    );
  }
  if (results.labels) lines.push(formatLabelTables(results.labels, info.ingest));
  if (results.scrape) {
    const s = results.scrape;
    lines.push(
      `### /metrics scrape (${s.models} models × ${s.featuresPerModel} features, ${s.eventsPerModel} events each, ${s.scrapes} sequential scrapes)`,
      '',
      `| median | p95 | max | target < ${TARGETS.scrapeMs} ms | answer size | samples | drift gauges present | mlwatch collect() (self-reported) |`,
      '|---:|---:|---:|---|---:|---:|---|---:|',
      `| ${s.medianMs.toFixed(1)} ms | ${s.p95Ms.toFixed(1)} ms | ${s.maxMs.toFixed(1)} ms | ` +
        `median ${s.medianMs < TARGETS.scrapeMs ? 'met' : '**MISSED**'}, p95 ${s.p95Ms < TARGETS.scrapeMs ? 'met' : '**MISSED**'} | ` +
        `${(s.bytes / 1024).toFixed(0)} KiB | ${s.series} | ${s.driftExported ? 'yes' : 'no'} | ${(s.collectorSeconds * 1000).toFixed(1)} ms |`,
      '',
    );
  }
  if (results.rss) {
    const r = results.rss;
    const opt = (/** @type {number | null} */ v) => (v === null ? 'n/a' : `${mb(v)} MB`);
    lines.push(
      `### Sidecar RSS under NDJSON batches of 1000 (stop at ${r.targetEvents / 1e6}M events or ${r.capSeconds} s; MB = 10^6 bytes)`,
      '',
      '| events | time | stopped by | events/s | start | at 1M | at 2M | max | end | early → late median | growth | flat | target < ' +
        `${mb(TARGETS.rssBytes)} MB (max) |`,
      '|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---|---|',
      `| ${fmt(r.events)} | ${r.seconds.toFixed(0)} s | ${r.stoppedBy === 'events' ? 'event target' : 'time cap'} | ${fmt(r.eventsPerSecond)} | ` +
        `${mb(r.startRss)} MB | ${opt(r.rssAt1M)} | ${opt(r.rssAt2M)} | ${mb(r.maxRss)} MB | ${mb(r.endRss)} MB | ` +
        `${opt(r.earlyRss)} → ${opt(r.lateRss)} | ${r.growth === null ? 'n/a' : `${(r.growth * 100).toFixed(1)}%`} | ` +
        `${r.flat === null ? 'n/a' : r.flat ? 'yes' : '**no**'} | ${r.maxRss < TARGETS.rssBytes ? 'met' : '**MISSED**'} |`,
      '',
      `"Flat": RSS goes up and down with garbage collection, so medians are compared: the median RSS over the last ` +
        `${100 - LATE_FROM * 100}% of the events (late) is less than ${FLAT_GROWTH * 100}% above the median over ` +
        `${EARLY_WINDOW[0] * 100}–${EARLY_WINDOW[1] * 100}% of them (early); for 10M events, 9M–10M against 2M–3M. ` +
        'RSS is sampled every second; wrk keeps 4 batches (4 × 1000 events) in flight.',
      '',
    );
  }
  return lines.join('\n');
}

/**
 * bench/RESULTS.md: when, where, the command, the figures, and the raw runs.
 * @param {Results} results
 * @param {RunInfo} info
 */
export function formatResultsFile(results, info) {
  const missed = misses(results);
  const lines = [
    '# mlwatch benchmark results',
    '',
    `- Date: ${info.date}`,
    `- Machine: ${info.machine}`,
    `- Node: ${info.node}; load generator: ${info.wrk} (own process)`,
    `- mlwatch: commit ${info.commit} (plus the working tree at the time)`,
    `- Command: \`${info.command}\``,
    `- Machine load: ${info.load}`,
    '',
    'Every figure comes from one run; servers ran one per process, started the same way (`node SCRIPT`, no flags, ' +
      'logs to a file, mlwatch at log level warn), on 127.0.0.1. Ratios compare servers measured in the same run. ' +
      'See bench/README.md for the method.',
    '',
    missed.length === 0 ? '**All targets met.**' : `**Targets missed:** ${missed.join('; ')}.`,
    '',
    formatTables(results, info),
  ];
  if (results.ingest) {
    lines.push('### Every ingest run (req/s)', '', '| server | body | runs |', '|---|---|---|');
    for (const c of results.ingest.cases) lines.push(`| ${c.server} | ${LABEL[c.body]} | ${c.runs.map((r) => fmt(r.requestsPerSecond)).join(', ')} |`);
    lines.push('');
  }
  if (results.labels) {
    lines.push('### Every label-phase run (prediction events/s)', '', '| server | body | runs |', '|---|---|---|');
    for (const c of results.labels.cases) lines.push(`| ${c.server} | ${LABEL[c.body]} | ${c.runs.map((r) => fmt(r.eventsPerSecond)).join(', ')} |`);
    lines.push('');
  }
  if (results.rss) {
    lines.push('### RSS samples (every ~5 s)', '', '| time | events | RSS | V8 heap used |', '|---:|---:|---:|---:|');
    const samples = results.rss.samples;
    samples.forEach((s, i) => {
      if (i % 5 !== 0 && i !== samples.length - 1) return;
      lines.push(`| ${s.seconds.toFixed(0)} s | ${fmt(s.events)} | ${mb(s.rss)} MB | ${s.heapUsed === null ? 'n/a' : `${mb(s.heapUsed)} MB`} |`);
    });
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** @param {number} n */
function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** @param {number} ratio */
function ratioText(ratio) {
  return `${ratio.toFixed(3)}×`;
}

/** @param {number} v */
function share(v) {
  return Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : 'n/a';
}

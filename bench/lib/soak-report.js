// The soak's section of bench/RESULTS.md, kept between markers so that `npm run bench`
// (which rewrites the file) and `npm run soak` each replace only their own part.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mb } from '../phases/rss.js';
import { SOAK_TARGETS } from '../phases/soak.js';

export const SOAK_BEGIN = '<!-- soak:begin (written by npm run soak) -->';
export const SOAK_END = '<!-- soak:end -->';

/**
 * @param {import('../phases/soak.js').SoakResult} r
 * @param {{ date: string, machine: string, node: string, commit: string, load: string, command: string }} info
 */
export function formatSoakSection(r, info) {
  const ms = (/** @type {number} */ s) => `${(s * 1000).toFixed(0)} ms`;
  const lines = [
    SOAK_BEGIN,
    '## Soak',
    '',
    `- Date: ${info.date}; ${info.machine}; ${info.node}; commit ${info.commit}`,
    `- Command: \`${info.command}\``,
    `- Machine load: ${info.load}. The machine is shared: rerun at a quiet time before trusting an absolute figure.`,
    '',
    `The maximum was measured first in the same run (wrk, 64 connections, NDJSON batches of 100 against a fresh sidecar): ` +
      `${Math.round(r.maxEventsPerSecond).toLocaleString('en-US')} events/s. A second fresh sidecar was then held at ${r.share * 100}% of it ` +
      `by a rate-limited sender in its own process (bench/lib/paced-sender.js, at most 16 requests in flight) for ${r.seconds} s, ` +
      `with a scrape of /metrics every second. Figures after the ${r.warmupSeconds} s warm-up.`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    `| events/s held (target ${Math.round(r.targetEventsPerSecond).toLocaleString('en-US')}) | ${Math.round(r.achievedEventsPerSecond).toLocaleString('en-US')} | — |`,
    `| events acknowledged / counted by mlwatch | ${r.acknowledged.toLocaleString('en-US')} / ${r.counted.toLocaleString('en-US')} | equal |`,
    `| RSS after warm-up → last 10% (medians); max | ${mb(r.rssAfterWarmup)} MB → ${mb(r.rssLate)} MB (${(r.rssGrowth * 100).toFixed(1)}%); ${mb(r.rssMax)} MB | < ${SOAK_TARGETS.rssGrowth * 100}% growth ${r.rssGrowth < SOAK_TARGETS.rssGrowth ? 'met' : '**MISSED**'} |`,
    `| largest event-loop delay (mlwatch_event_loop_delay_max_seconds, each second) | ${ms(r.maxEventLoopDelaySeconds)}; ${r.secondsOverDelayTarget} s above ${ms(SOAK_TARGETS.eventLoopDelaySeconds)} | < ${ms(SOAK_TARGETS.eventLoopDelaySeconds)} ${r.maxEventLoopDelaySeconds < SOAK_TARGETS.eventLoopDelaySeconds && r.secondsOverDelayTarget === 0 ? 'met' : '**MISSED**'} |`,
    `| scrapes (failed); slowest | ${r.scrapes} (${r.failedScrapes}); ${r.maxScrapeMs.toFixed(1)} ms | no failed scrape ${r.failedScrapes === 0 ? 'met' : '**MISSED**'} |`,
    '',
    r.passed ? '**Soak targets met.**' : `**Soak targets missed:** ${r.misses.join('; ')}.`,
    SOAK_END,
  ];
  return `${lines.join('\n')}\n`;
}

/** The soak section of a RESULTS.md text, or "" when it has none. @param {string} text */
export function soakSectionOf(text) {
  const begin = text.indexOf(SOAK_BEGIN);
  const end = text.indexOf(SOAK_END);
  return begin >= 0 && end > begin ? `${text.slice(begin, end + SOAK_END.length)}\n` : '';
}

/**
 * Replace (or add) the soak section of the file.
 * @param {string} path
 * @param {string} section
 */
export function writeSoakSection(path, section) {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# mlwatch benchmark results\n';
  const old = soakSectionOf(text);
  const rest = old === '' ? text : text.replace(old, '');
  writeFileSync(path, `${rest.trimEnd()}\n\n${section}`);
}

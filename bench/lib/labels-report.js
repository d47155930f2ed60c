// The label phase's table: per body kind, mlwatch's ratio to bare without ids and with ids and a
// label stream, and how far the second is from the first against the issue's 10% target.
import { LABELS_PER_BODY } from '../phases/labels.js';
import { median } from './stats.js';

/** Ingest with ids and 1 label per prediction keeps at least this share of the ratio without. */
export const LABELS_TARGET_SHARE = 0.9;

const LABEL = { single: 'single event', batch100: 'NDJSON batch of 100' };

/**
 * @typedef {object} LabelComparison
 * @property {'single' | 'batch100'} body
 * @property {{ ratio: number, min: number, max: number, perCpu: number }} withoutIds
 * @property {{ ratio: number, min: number, max: number, perCpu: number }} withLabels
 * @property {number} relative   withLabels.ratio / withoutIds.ratio − 1
 * @property {boolean} met
 */

/**
 * @param {import('../phases/labels.js').LabelCase[]} cases
 * @returns {LabelComparison[]}
 */
export function labelComparisons(cases) {
  /** @type {LabelComparison[]} */
  const out = [];
  for (const body of /** @type {const} */ (['single', 'batch100'])) {
    const find = (/** @type {string} */ server) => cases.find((c) => c.body === body && c.server === server);
    const bare = find('bare');
    const plain = find('mlwatch-no-ids');
    const labelled = find('mlwatch-ids+labels');
    if (!bare || !plain || !labelled) continue;
    const withoutIds = ratioTo(plain, bare);
    const withLabels = ratioTo(labelled, bare);
    const relative = withLabels.ratio / withoutIds.ratio - 1;
    out.push({ body, withoutIds, withLabels, relative, met: relative >= LABELS_TARGET_SHARE - 1 });
  }
  return out;
}

/**
 * @param {import('../phases/labels.js').LabelCase} a
 * @param {import('../phases/labels.js').LabelCase} bare
 */
function ratioTo(a, bare) {
  const perRep = a.runs.map((r, i) => r.eventsPerSecond / bare.runs[i].eventsPerSecond);
  const perCpu = (/** @type {import('../phases/labels.js').LabelCase} */ c) => median(c.runs.map((r) => (r.serverCpu ? r.eventsPerSecond / r.serverCpu : Number.NaN)));
  return { ratio: a.eventsPerSecond / bare.eventsPerSecond, min: Math.min(...perRep), max: Math.max(...perRep), perCpu: perCpu(a) / perCpu(bare) };
}

/**
 * @param {{ cases: import('../phases/labels.js').LabelCase[] }} labels
 * @returns {string[]}
 */
export function labelMisses(labels) {
  return labelComparisons(labels.cases)
    .filter((c) => !c.met)
    .map((c) => `ids + labels (${LABEL[c.body]}) ${percent(c.relative)} against no ids, target within ${percent(LABELS_TARGET_SHARE - 1)}`);
}

/**
 * @param {{ cases: import('../phases/labels.js').LabelCase[] }} labels
 * @param {{ seconds: number, warmupSeconds: number, reps: number, connections: number }} run
 */
export function formatLabelTables(labels, run) {
  const lines = [
    `### Ingest with ids and a label stream (1 label per prediction, NDJSON batches of ${LABELS_PER_BODY} labels in the same connections; ` +
      `${run.reps} × ${run.seconds} s per case after ${run.warmupSeconds} s warm-up; medians)`,
    '',
    '| server | body | bytes/request | prediction events/s | labels/s | × bare (min–max per rep) | server CPU | wrk CPU | × bare per CPU-second | p99 latency |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  const comparisons = labelComparisons(labels.cases);
  for (const c of labels.cases) {
    const cmp = comparisons.find((x) => x.body === c.body);
    const ratio = c.server === 'bare' || !cmp ? null : c.server === 'mlwatch-no-ids' ? cmp.withoutIds : cmp.withLabels;
    lines.push(
      `| ${c.server} | ${LABEL[c.body]} | ${c.bytesPerRequest} | ${fmt(c.eventsPerSecond)} | ${fmt(c.labelsPerSecond)} | ` +
        `${ratio ? `${ratio.ratio.toFixed(3)}× (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})` : '1×'} | ` +
        `${share(median(c.runs.map((r) => r.serverCpu ?? Number.NaN)))} | ${share(median(c.runs.map((r) => r.wrkCpu ?? Number.NaN)))} | ` +
        `${ratio ? `${ratio.perCpu.toFixed(3)}×` : '1×'} | ${median(c.runs.map((r) => r.p99Ms)).toFixed(1)} ms |`,
    );
  }
  lines.push('', `| body | × bare without ids | × bare with ids + labels | relative | target: within ${percent(LABELS_TARGET_SHARE - 1)} |`, '|---|---:|---:|---:|---|');
  for (const c of comparisons) {
    lines.push(
      `| ${LABEL[c.body]} | ${c.withoutIds.ratio.toFixed(3)}× | ${c.withLabels.ratio.toFixed(3)}× | ${percent(c.relative)} | ${c.met ? 'met' : '**MISSED**'} |`,
    );
  }
  lines.push(
    '',
    'Both mlwatch rows are one process, measured back to back with bare in every repetition. "With ids + labels": every event ' +
      'carries a fresh id and the same wrk connections post the labels of earlier ids (6400 events behind), one per prediction; ' +
      'its prediction events/s count prediction requests only. Relative = (ratio with ids + labels) / (ratio without ids) − 1.',
    '',
  );
  return lines.join('\n');
}

/** @param {number} n */
function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** @param {number} v */
function share(v) {
  return Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : 'n/a';
}

/** @param {number} v */
function percent(v) {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}%`;
}

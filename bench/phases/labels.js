// (d): what ids and a label stream cost ingest. On one mlwatch process per body kind (so one
// kind's runs never push the other's waiting predictions out of the join store), the same
// prediction bodies are posted without ids (post.lua), and with a fresh id on every event while the same
// connections post 1 label per prediction for earlier ids (labels.lua: NDJSON batches of 100
// labels, LAG_EVENTS behind). Each is a ratio to the bare handler on the same bodies, measured
// back to back in every repetition, like the ingest phase; the issue's target compares the two.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logTail, sleep, stopChild } from '../lib/processes.js';
import { postOnce, scrape, startBaseline, startMlwatch, sumSamples } from '../lib/servers.js';
import { median } from '../lib/stats.js';
import { errorCount, runWrk } from '../lib/wrk.js';
import { ID_MARKER, writeBodies } from '../lib/workload.js';

export const LABELS_SCRIPT = fileURLToPath(new URL('../wrk/labels.lua', import.meta.url));
/** Labels per label request: a label pipeline batches, whatever the predictions do. */
export const LABELS_PER_BODY = 100;
/** How far the labels trail the predictions, in events: more than wrk keeps in flight. */
export const LAG_EVENTS = 6400;
/** The check before measuring posts one batch of 100 events with ids. */
const CHECK_EVENTS = 100;

/**
 * @typedef {object} LabelCase
 * @property {'bare' | 'mlwatch-no-ids' | 'mlwatch-ids+labels'} server
 * @property {'single' | 'batch100'} body
 * @property {number} eventsPerRequest   prediction events per prediction request
 * @property {number} bytesPerRequest    of a prediction request
 * @property {{ eventsPerSecond: number, labelsPerSecond: number, serverCpu: number | null, wrkCpu: number | null, p99Ms: number }[]} runs
 * @property {number} eventsPerSecond    prediction events, median over the runs
 * @property {number} labelsPerSecond    median over the runs (0 without labels)
 */

/**
 * @param {object} ctx
 * @param {string} ctx.workdir
 * @param {string} ctx.configPath     config whose model ctx.spec is, reference built
 * @param {import('../lib/workload.js').ModelSpec} ctx.spec
 * @param {number} ctx.seconds
 * @param {number} ctx.warmupSeconds
 * @param {number} ctx.reps
 * @param {number} ctx.connections
 * @param {(line: string) => void} ctx.log
 * @returns {Promise<{ cases: LabelCase[] }>}
 */
export async function measureLabels(ctx) {
  const kinds = /** @type {const} */ ([['single', 256, 1, 101], ['batch100', 32, 100, 202]]);
  /** @type {Record<string, { plain: ReturnType<typeof writeBodies>, marked: ReturnType<typeof writeBodies> }>} */
  const bodies = {};
  for (const [body, count, eventsPerBody, seed] of kinds) {
    // The same seed: the same events, once without an id and once with the marker for one.
    bodies[body] = {
      plain: writeBodies(join(ctx.workdir, `${body}-no-ids.bodies`), ctx.spec, { count, eventsPerBody, seed, ids: 'none' }),
      marked: writeBodies(join(ctx.workdir, `${body}-marked.bodies`), ctx.spec, { count, eventsPerBody, seed, ids: 'marker' }),
    };
  }
  /** @type {Record<string, import('../lib/servers.js').Server>} */
  const servers = {};
  try {
    servers.bare = await startBaseline('bare', ctx.workdir);
    for (const [body] of kinds) servers[body] = await startMlwatch(ctx.configPath, ctx.workdir, { name: `mlwatch-labels-${body}` });
    const path = `/v1/models/${ctx.spec.name}`;
    for (const [body] of kinds) await checkLabelsJoin(servers[body].base + path, bodies.batch100.marked.sample);

    /** @type {LabelCase[]} */
    const cases = [];
    for (const [body] of kinds) {
      for (const server of /** @type {const} */ (['bare', 'mlwatch-no-ids', 'mlwatch-ids+labels'])) {
        const b = server === 'mlwatch-ids+labels' ? bodies[body].marked : bodies[body].plain;
        cases.push({ server, body, eventsPerRequest: b.eventsPerBody, bytesPerRequest: b.bytesPerBody, runs: [], eventsPerSecond: 0, labelsPerSecond: 0 });
      }
    }
    // Per body kind, where the id and label sequences stand (ids are never reused).
    /** @type {Record<string, { predictionSeq: number, labelSeq: number }>} */
    const sequences = { single: { predictionSeq: 0, labelSeq: 0 }, batch100: { predictionSeq: 0, labelSeq: 0 } };
    const accounts = { single: { issuedWithId: CHECK_EVENTS }, batch100: { issuedWithId: CHECK_EVENTS } };
    const run = (/** @type {LabelCase} */ c, /** @type {number} */ seconds) =>
      runLabelCase(c, c.server === 'bare' ? servers.bare : servers[c.body], c.server === 'mlwatch-ids+labels' ? bodies[c.body].marked : bodies[c.body].plain, path, sequences[c.body], accounts[c.body], ctx, seconds);

    for (const c of cases) {
      ctx.log(`warm-up ${c.server} ${c.body} ${ctx.warmupSeconds} s`);
      await run(c, ctx.warmupSeconds);
    }
    for (let rep = 1; rep <= ctx.reps; rep++) {
      for (const c of cases) {
        const r = await run(c, ctx.seconds);
        c.runs.push(r);
        ctx.log(
          `rep ${rep}/${ctx.reps} ${c.server.padEnd(18)} ${c.body.padEnd(8)} ${r.eventsPerSecond.toFixed(0).padStart(7)} events/s` +
            `${r.labelsPerSecond > 0 ? ` + ${r.labelsPerSecond.toFixed(0)} labels/s` : ''}  server CPU ${pct(r.serverCpu)}  wrk CPU ${pct(r.wrkCpu)}`,
        );
      }
    }
    for (const c of cases) {
      c.eventsPerSecond = median(c.runs.map((r) => r.eventsPerSecond));
      c.labelsPerSecond = median(c.runs.map((r) => r.labelsPerSecond));
    }
    return { cases };
  } finally {
    await Promise.all(Object.values(servers).map((s) => stopChild(s.child)));
  }
}

/**
 * One wrk run. With labels, mlwatch's counters must show the predictions and the joined
 * labels wrk got answers for, and no label refused: labels that did not join cannot pass.
 * @param {LabelCase} c
 * @param {import('../lib/servers.js').Server} server
 * @param {ReturnType<typeof writeBodies>} body
 * @param {string} modelPath
 * @param {{ predictionSeq: number, labelSeq: number }} seq
 * @param {{ issuedWithId: number }} account  prediction events with an id issued to this server so far
 * @param {{ workdir: string, connections: number }} ctx
 * @param {number} seconds
 */
async function runLabelCase(c, server, body, modelPath, seq, account, ctx, seconds) {
  const labelled = c.server === 'mlwatch-ids+labels';
  const before = server.metrics ? await counters(server.metrics) : null;
  const result = await runWrk({
    url: `${server.base}${modelPath}/predictions`,
    bodiesFile: body.path,
    contentType: body.contentType,
    seconds,
    connections: ctx.connections,
    serverPid: server.child.pid,
    logPath: join(ctx.workdir, 'wrk-labels.log'),
    ...(labelled
      ? {
          script: {
            path: LABELS_SCRIPT,
            extraLine: 'WRK_LABELS',
            args: [body.path, body.contentType, String(body.eventsPerBody), String(LABELS_PER_BODY), `${modelPath}/labels`, `${c.body}-`,
              String(seq.predictionSeq), String(seq.labelSeq), String(LAG_EVENTS)],
          },
        }
      : {}),
  });
  if (!server.child.running) throw new Error(`${server.name} died during the run:\n${logTail(server.child)}`);
  if (result.errors.status > 0) throw new Error(`${server.name} answered ${result.errors.status} requests with an error status (${c.server}, ${c.body}):\n${logTail(server.child)}`);
  if (errorCount(result) > 0) throw new Error(`wrk saw socket errors against ${server.name}: ${JSON.stringify(result.errors)}`);

  // Completed requests split as the script issued them (the few in flight at the stop aside).
  const issued = result.extra ?? { prediction_requests: 1, label_requests: 0 };
  const predictionShare = issued.prediction_requests / (issued.prediction_requests + issued.label_requests);
  const eventsPerSecond = (result.requestsPerSecond * predictionShare) * c.eventsPerRequest;
  const labelsPerSecond = result.requestsPerSecond * (1 - predictionShare) * LABELS_PER_BODY;
  if (labelled && result.extra) {
    seq.predictionSeq = result.extra.prediction_seq;
    seq.labelSeq = result.extra.label_seq;
  }
  if (server.metrics && before) {
    await sleep(200); // requests in flight when wrk stopped finish and are counted
    const after = await counters(server.metrics);
    const slack = ctx.connections * Math.max(c.eventsPerRequest, LABELS_PER_BODY);
    const predictions = after.predictions - before.predictions;
    const expected = result.requests * predictionShare * c.eventsPerRequest;
    if (Math.abs(predictions - expected) > slack) throw new Error(`${server.name} counted ${predictions} events but wrk got answers for ${expected.toFixed(0)} (${c.server}, ${c.body})`);
    const joined = after.joined - before.joined;
    const labels = result.requests * (1 - predictionShare) * LABELS_PER_BODY;
    if (Math.abs(joined - labels) > slack) throw new Error(`${server.name} joined ${joined} labels but wrk got answers for ${labels.toFixed(0)} (${c.body})`);
    // A label is refused (duplicate, invalid, expired, unknown id) only by a harness bug. The
    // labels of predictions wrk issued but cut off at a stop wait for them, and are evicted once
    // the store is full of joined records: never more than the predictions that never arrived.
    if (labelled && result.extra) account.issuedWithId += result.extra.prediction_requests * c.eventsPerRequest;
    const refused = after.refused - before.refused;
    if (refused > 0 || after.evicted > account.issuedWithId - after.withId) {
      throw new Error(
        `${server.name} refused ${refused} labels, and evicted ${after.evicted} in all while ${account.issuedWithId - after.withId} ` +
          `predictions never arrived (${c.body}); by reason, since its start: ${after.reasons}`,
      );
    }
  }
  return { eventsPerSecond, labelsPerSecond, serverCpu: result.serverCpu, wrkCpu: result.wrkCpu, p99Ms: result.latencyMs.p99 };
}

/** @param {string} metricsBase */
async function counters(metricsBase) {
  const text = await scrape(metricsBase);
  return {
    predictions: sumSamples(text, 'mlwatch_predictions_total'),
    withId: sumSamples(text, 'mlwatch_predictions_with_id_total'),
    joined: sumSamples(text, 'mlwatch_labels_joined_total'),
    refused: sumSamples(text, 'mlwatch_labels_unmatched_total') - sumSamples(text, 'mlwatch_labels_unmatched_total', 'reason="evicted"'),
    evicted: sumSamples(text, 'mlwatch_labels_unmatched_total', 'reason="evicted"'),
    reasons: text.split('\n').filter((l) => l.startsWith('mlwatch_labels_unmatched_total{')).join('; '),
  };
}

/**
 * Before measuring: a marked body with ids filled in is accepted whole, and its labels all join.
 * @param {string} modelUrl
 * @param {string} markedSample
 */
async function checkLabelsJoin(modelUrl, markedSample) {
  let n = 0;
  const body = markedSample.split(ID_MARKER).reduce((out, part, i) => (i === 0 ? part : `${out}check-${n++}${part}`), '');
  const predicted = await postOnce(`${modelUrl}/predictions`, body, 'application/x-ndjson');
  const labels = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `check-${i}`, label: i % 2 === 0 ? 'pos' : 'neg' })).join('\n');
  const labelled = await postOnce(`${modelUrl}/labels`, `${labels}\n`, 'application/x-ndjson');
  const joined = typeof labelled.answer === 'object' && labelled.answer !== null && 'joined' in labelled.answer ? labelled.answer.joined : null;
  if (predicted.status !== 200 || labelled.status !== 200 || joined !== n) {
    throw new Error(`mlwatch did not join the labels of a sample body: ${predicted.status} then ${labelled.status} ${JSON.stringify(labelled.answer).slice(0, 300)}`);
  }
}

/** @param {number | null} share */
function pct(share) {
  return share === null ? '  n/a' : `${(share * 100).toFixed(0).padStart(3)}%`;
}

// (a)–(c): ingest throughput of the bare handler, mlwatch and express on the same bodies.
// The three servers run side by side (each its own process, idle while another is
// measured); repetitions interleave them so slow drift of the machine hits all alike.
import { join } from 'node:path';
import { logTail, sleep, stopChild } from '../lib/processes.js';
import { postOnce, predictionsTotal, startBaseline, startMlwatch } from '../lib/servers.js';
import { median } from '../lib/stats.js';
import { errorCount, runWrk } from '../lib/wrk.js';
import { writeBodies } from '../lib/workload.js';

const PATH_OF = (/** @type {string} */ model) => `/v1/models/${model}/predictions`;

/**
 * @typedef {object} IngestCase
 * @property {'bare' | 'mlwatch' | 'mlwatch-sliced' | 'express'} server
 * @property {'single' | 'batch100'} body
 * @property {import('../lib/wrk.js').WrkResult[]} runs
 * @property {number} eventsPerRequest
 * @property {number} bytesPerRequest
 * @property {number} requestsPerSecond  median over the runs
 * @property {number} eventsPerSecond
 */

/**
 * @param {object} ctx
 * @param {string} ctx.workdir
 * @param {string} ctx.configPath     config whose model ctx.spec is, reference built
 * @param {string} ctx.slicedConfigPath  the same model with two segment features and two variants
 * @param {import('../lib/workload.js').ModelSpec} ctx.spec
 * @param {number} ctx.seconds        per measured run
 * @param {number} ctx.warmupSeconds  per case, once, before the repetitions
 * @param {number} ctx.reps
 * @param {number} ctx.connections
 * @param {(line: string) => void} ctx.log
 * @returns {Promise<{ cases: IngestCase[] }>}
 */
export async function measureIngest(ctx) {
  const bodies = {
    single: writeBodies(join(ctx.workdir, 'single.bodies'), ctx.spec, { count: 256, eventsPerBody: 1, seed: 101 }),
    batch100: writeBodies(join(ctx.workdir, 'batch100.bodies'), ctx.spec, { count: 32, eventsPerBody: 100, seed: 202 }),
  };
  ctx.log(
    `bodies: single event ${bodies.single.bytesPerBody} B, NDJSON batch of 100 ${bodies.batch100.bytesPerBody} B ` +
      `(${ctx.spec.features.length} features)`,
  );

  /** @type {Record<string, import('../lib/servers.js').Server>} */
  const servers = {};
  try {
    servers.bare = await startBaseline('bare', ctx.workdir);
    servers.mlwatch = await startMlwatch(ctx.configPath, ctx.workdir);
    servers['mlwatch-sliced'] = await startMlwatch(ctx.slicedConfigPath, ctx.workdir, { name: 'mlwatch-sliced' });
    servers.express = await startBaseline('express', ctx.workdir);

    /** @type {IngestCase[]} */
    const cases = [
      newCase('bare', 'single', bodies.single),
      newCase('mlwatch', 'single', bodies.single),
      newCase('mlwatch-sliced', 'single', bodies.single),
      newCase('express', 'single', bodies.single),
      newCase('bare', 'batch100', bodies.batch100),
      newCase('mlwatch', 'batch100', bodies.batch100),
      newCase('mlwatch-sliced', 'batch100', bodies.batch100),
    ];
    for (const c of cases) await checkAnswer(servers[c.server], bodies[c.body], ctx.spec.name);

    for (const c of cases) {
      ctx.log(`warm-up ${c.server} ${c.body} ${ctx.warmupSeconds} s`);
      await runCase(c, servers[c.server], bodies[c.body], ctx, ctx.warmupSeconds, false);
    }
    for (let rep = 1; rep <= ctx.reps; rep++) {
      for (const c of cases) {
        const run = await runCase(c, servers[c.server], bodies[c.body], ctx, ctx.seconds, true);
        ctx.log(
          `rep ${rep}/${ctx.reps} ${c.server.padEnd(14)} ${c.body.padEnd(8)} ${run.requestsPerSecond.toFixed(0).padStart(7)} req/s` +
            `  server CPU ${pct(run.serverCpu)}  wrk CPU ${pct(run.wrkCpu)}  p99 ${run.latencyMs.p99.toFixed(1)} ms`,
        );
      }
    }
    for (const c of cases) {
      c.requestsPerSecond = median(c.runs.map((r) => r.requestsPerSecond));
      c.eventsPerSecond = c.requestsPerSecond * c.eventsPerRequest;
    }
    return { cases };
  } finally {
    await Promise.all(Object.values(servers).map((s) => stopChild(s.child)));
  }
}

/**
 * @param {IngestCase['server']} server
 * @param {IngestCase['body']} body
 * @param {ReturnType<typeof writeBodies>} bodies
 * @returns {IngestCase}
 */
function newCase(server, body, bodies) {
  return {
    server,
    body,
    runs: [],
    eventsPerRequest: bodies.eventsPerBody,
    bytesPerRequest: bodies.bytesPerBody,
    requestsPerSecond: 0,
    eventsPerSecond: 0,
  };
}

/**
 * One wrk run against one server. For mlwatch, the events it counted must match what wrk
 * saw answered, so a fast answer that skipped the work cannot pass.
 * @param {IngestCase} c
 * @param {import('../lib/servers.js').Server} server
 * @param {ReturnType<typeof writeBodies>} body
 * @param {{ workdir: string, connections: number, spec: import('../lib/workload.js').ModelSpec }} ctx
 * @param {number} seconds
 * @param {boolean} record
 */
async function runCase(c, server, body, ctx, seconds, record) {
  const before = server.metrics ? await predictionsTotal(server.metrics) : 0;
  const run = await runWrk({
    url: server.base + PATH_OF(ctx.spec.name),
    bodiesFile: body.path,
    contentType: body.contentType,
    seconds,
    connections: ctx.connections,
    serverPid: server.child.pid,
    logPath: join(ctx.workdir, 'wrk.log'),
  });
  if (!server.child.running) throw new Error(`${server.name} died during the run:\n${logTail(server.child)}`);
  if (run.errors.status > 0) {
    throw new Error(`${server.name} answered ${run.errors.status} requests with an error status (${c.body}):\n${logTail(server.child)}`);
  }
  if (errorCount(run) > 0) throw new Error(`wrk saw socket errors against ${server.name}: ${JSON.stringify(run.errors)}`);
  if (server.metrics) {
    await sleep(200); // requests in flight when wrk stopped finish and are counted
    const counted = (await predictionsTotal(server.metrics)) - before;
    const expected = run.requests * c.eventsPerRequest;
    const slack = ctx.connections * c.eventsPerRequest;
    if (Math.abs(counted - expected) > slack) {
      throw new Error(`${server.name} counted ${counted} events but wrk got answers for ${expected} (${c.body})`);
    }
  }
  if (record) c.runs.push(run);
  return run;
}

/**
 * Before measuring: one body, a 200 and every event accepted.
 * @param {import('../lib/servers.js').Server} server
 * @param {ReturnType<typeof writeBodies>} body
 * @param {string} model
 */
async function checkAnswer(server, body, model) {
  const { status, answer } = await postOnce(server.base + PATH_OF(model), body.sample, body.contentType);
  const ok =
    status === 200 &&
    typeof answer === 'object' &&
    answer !== null &&
    'accepted' in answer &&
    answer.accepted === body.eventsPerBody &&
    (!('rejected' in answer) || answer.rejected === 0);
  if (!ok) {
    throw new Error(
      `${server.name} did not accept a sample body (${body.contentType}, ${body.eventsPerBody} events): ` +
        `${status} ${JSON.stringify(answer).slice(0, 500)}`,
    );
  }
}

/** @param {number | null} share */
function pct(share) {
  return share === null ? '  n/a' : `${(share * 100).toFixed(0).padStart(3)}%`;
}

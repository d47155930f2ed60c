// `mlwatch demo --config examples/credit/mlwatch.yaml [--rate 200] [--drift-after 30] ...`:
// starts the sidecar in-process (building the reference from the example's training data
// when it is missing), sends credit-model traffic that drifts on a schedule, and every few
// seconds prints a table read back from /metrics so the drift is seen as it appears.
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { processOutput, type CliOutput } from './output.js';
import { ConfigError, loadConfig, parseListenAddress } from '../config/loader.js';
import type { Config, ListenAddress, LoggingConfig, ModelConfig } from '../config/types.js';
import { CREDIT_MODEL_NAME } from '../demo/credit-model.js';
import { readModel, formatTable, type ModelReading } from '../demo/report.js';
import { DEFAULT_SCHEDULE, driftAt, scheduleProblems, type DriftSchedule } from '../demo/schedule.js';
import { parseExposition } from '../demo/scrape.js';
import { TrafficSender, fetchErrorMessage } from '../demo/sender.js';
import { DemoSetupError, ensureReference, findDemoModel, urlOf } from '../demo/setup.js';
import { TrafficGenerator } from '../demo/traffic.js';
import { logger } from '../log.js';
import { ReferenceBuildError } from '../reference/errors.js';
import { StartupError, startSidecar } from '../serve/sidecar.js';

export const DEMO_USAGE = `usage: mlwatch demo --config FILE [--rate N] [--drift-after SECONDS] [--duration SECONDS] [--no-serve]
         [--data FILE] [--model NAME] [--seed N] [--fault-rate SHARE] [--report-every SECONDS]
         [--ingest-listen HOST:PORT] [--metrics-listen HOST:PORT]`;

interface DemoArguments {
  config: string;
  rate: number;
  schedule: DriftSchedule;
  duration: number | null;
  serve: boolean;
  data: string | null;
  model: string;
  seed: number;
  reportEverySeconds: number;
  ingestListen?: ListenAddress;
  metricsListen?: ListenAddress;
}

/** A generous bound on one event's NDJSON size, to keep batches under max_body_bytes. */
const EVENT_BYTES_BOUND = 1024;
const SCRAPE_TIMEOUT_MS = 4000;

export async function runDemo(args: string[], output: CliOutput = processOutput): Promise<number> {
  const parsed = parseArguments(args);
  if (parsed === 'help') {
    output.stdout(`${DEMO_USAGE}\n`);
    return 0;
  }
  if (typeof parsed === 'string') {
    output.stderr(`mlwatch demo: ${parsed}\n${DEMO_USAGE}\n`);
    return 2;
  }

  let config: Config;
  let model: ModelConfig;
  try {
    config = await loadConfig(parsed.config);
    model = findDemoModel(config, parsed.model);
    if (parsed.serve) {
      const dataPath = parsed.data ?? join(dirname(config.source_path), 'train.csv');
      if (await ensureReference(model, dataPath)) output.stdout(`built the reference ${model.reference} from ${dataPath}\n`);
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DemoSetupError || error instanceof ReferenceBuildError) {
      output.stderr(`mlwatch demo: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  let urls: { ingestUrl: string; metricsUrl: string; close(): Promise<void> };
  try {
    urls = parsed.serve
      ? await startSidecar(config, {
          ingestListen: parsed.ingestListen,
          metricsListen: parsed.metricsListen,
          shutdownGraceSeconds: 0,
          logger: logger.child({}, { level: quietLevel(config.logging.level) }),
        })
      : {
          ingestUrl: urlOf(parsed.ingestListen ?? config.ingest.listen),
          metricsUrl: urlOf(parsed.metricsListen ?? config.metrics.listen),
          close: async () => {},
        };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (error instanceof StartupError || code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      output.stderr(`mlwatch demo: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }

  try {
    await sendAndReport(parsed, config, model, urls, output);
  } finally {
    await urls.close();
  }
  return 0;
}

async function sendAndReport(
  args: DemoArguments,
  config: Config,
  model: ModelConfig,
  urls: { ingestUrl: string; metricsUrl: string },
  output: CliOutput,
): Promise<void> {
  const predictionsUrl = `${urls.ingestUrl}/v1/models/${encodeURIComponent(model.name)}/predictions`;
  const authEnv = config.ingest.auth_token_env;
  const sender = new TrafficSender({
    generator: new TrafficGenerator({
      seed: args.seed,
      schedule: args.schedule,
      modelVersion: model.version,
      idPrefix: `demo-${Date.now().toString(36)}`,
    }),
    url: predictionsUrl,
    rate: args.rate,
    maxBatch: Math.max(1, Math.min(config.ingest.max_batch_events, Math.floor(config.ingest.max_body_bytes / EVENT_BYTES_BOUND))),
    authToken: authEnv ? process.env[authEnv] : undefined,
  });
  output.stdout(banner(args, model, urls, predictionsUrl));

  const featureNames = model.features.map((f) => f.name);
  let previous: ModelReading | null = null;
  const report = async (): Promise<void> => {
    const heading = statusLine(args, sender);
    try {
      const response = await fetch(`${urls.metricsUrl}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const reading = readModel(parseExposition(await response.text()), model.name, featureNames);
      output.stdout(`\n${heading}\n${formatTable(reading, previous)}`);
      previous = reading;
    } catch (error) {
      output.stdout(`\n${heading}\n(cannot read ${urls.metricsUrl}/metrics: ${fetchErrorMessage(error)})\n`);
    }
  };

  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const deadline = args.duration === null ? null : setTimeout(onSignal, args.duration * 1000);
  let reporting: Promise<void> | null = null;
  const reporter = setInterval(() => {
    reporting ??= report().finally(() => {
      reporting = null;
    });
  }, args.reportEverySeconds * 1000);
  try {
    await sender.run(stop.signal);
  } finally {
    clearInterval(reporter);
    if (deadline !== null) clearTimeout(deadline);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  await reporting;
  await report();
  const { stats } = sender;
  output.stdout(
    `\nstopped after ${sender.elapsedSeconds().toFixed(1)} s: sent ${stats.sent} events in ${stats.requests} requests ` +
      `(accepted ${stats.accepted}, rejected ${stats.rejected}, failed requests ${stats.failedRequests}, lost ${stats.lost}` +
      `${stats.skipped > 0 ? `, skipped ${stats.skipped} while behind` : ''})\n`,
  );
}

function banner(args: DemoArguments, model: ModelConfig, urls: { metricsUrl: string }, predictionsUrl: string): string {
  const when = args.schedule.drift_after_seconds === 0 ? 'from the start' : `after ${args.schedule.drift_after_seconds} s`;
  return [
    `mlwatch demo: model "${model.name}", ${args.rate} events/s, inputs drift ${when}` +
      `${args.duration === null ? '' : `, for ${args.duration} s`}${args.serve ? '' : ' (sending to a running sidecar)'}`,
    `  ingest    POST ${predictionsUrl}`,
    `  metrics   ${urls.metricsUrl}/metrics   (landing page ${urls.metricsUrl}/)`,
    `  in Prometheus: mlwatch_feature_drift{model="${model.name}",method="psi"}   mlwatch_drifted_features_ratio{model="${model.name}"}`,
    `  drift scores appear once the ${model.drift.window_seconds} s window holds ${model.drift.min_samples} values ` +
      `(recomputed every ${model.drift.compute_interval_seconds} s)`,
    args.duration === null ? 'Ctrl-C to stop.' : '',
    '',
  ].join('\n');
}

const LEVELS: readonly LoggingConfig['level'][] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** The table is the demo's output: the sidecar logs only warnings and worse (or less, if the config says so). */
function quietLevel(configured: LoggingConfig['level']): LoggingConfig['level'] {
  return LEVELS.indexOf(configured) > LEVELS.indexOf('warn') ? configured : 'warn';
}

function statusLine(args: DemoArguments, sender: TrafficSender): string {
  const elapsed = sender.elapsedSeconds();
  const drift = driftAt(args.schedule, elapsed);
  const phase = drift.drifting
    ? `drift ON since ${args.schedule.drift_after_seconds} s`
    : `no drift yet (starts at ${args.schedule.drift_after_seconds} s)`;
  const { stats } = sender;
  const failures =
    stats.failedRequests > 0 ? ` · failed requests ${stats.failedRequests}, events lost ${stats.lost} (last: ${stats.lastError})` : '';
  return `[${elapsed.toFixed(0)} s] ${phase} · sent ${stats.sent} · rejected ${stats.rejected}${failures}`;
}

function parseArguments(args: string[]): DemoArguments | string | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        rate: { type: 'string' },
        'drift-after': { type: 'string' },
        duration: { type: 'string' },
        'no-serve': { type: 'boolean' },
        data: { type: 'string' },
        model: { type: 'string' },
        seed: { type: 'string' },
        'fault-rate': { type: 'string' },
        'report-every': { type: 'string' },
        'ingest-listen': { type: 'string' },
        'metrics-listen': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (values.help === true) return 'help';
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const config = text('config');
  if (config === undefined) return '--config is required';
  try {
    const schedule: DriftSchedule = {
      ...DEFAULT_SCHEDULE,
      drift_after_seconds: numberOption('--drift-after', text('drift-after'), DEFAULT_SCHEDULE.drift_after_seconds, 0),
      fault_rate: numberOption('--fault-rate', text('fault-rate'), DEFAULT_SCHEDULE.fault_rate, 0),
    };
    const problems = scheduleProblems(schedule);
    if (problems.length > 0) return problems.join('; ');
    const duration = text('duration');
    const seed = numberOption('--seed', text('seed'), 1, 0);
    if (!Number.isInteger(seed)) return `--seed must be a whole number, not ${seed}`;
    const ingest = text('ingest-listen');
    const metrics = text('metrics-listen');
    return {
      config: resolve(config),
      rate: numberOption('--rate', text('rate'), 200, Number.MIN_VALUE, 1_000_000),
      schedule,
      duration: duration === undefined ? null : numberOption('--duration', duration, 0, Number.MIN_VALUE),
      serve: values['no-serve'] !== true,
      data: text('data') === undefined ? null : resolve(text('data') as string),
      model: text('model') ?? CREDIT_MODEL_NAME,
      seed,
      reportEverySeconds: numberOption('--report-every', text('report-every'), 5, 0.1),
      ingestListen: ingest === undefined ? undefined : parseListenAddress(ingest),
      metricsListen: metrics === undefined ? undefined : parseListenAddress(metrics),
    };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function numberOption(flag: string, text: string | undefined, fallback: number, min: number, max = Number.MAX_VALUE): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    const bounds = min === Number.MIN_VALUE ? 'a positive number' : `a number from ${min}`;
    throw new Error(`${flag} must be ${bounds}${max === Number.MAX_VALUE ? '' : ` up to ${max}`}, not "${text}"`);
  }
  return value;
}

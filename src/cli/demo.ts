// `mlwatch demo --config examples/credit/mlwatch.yaml [--rate 200] [--drift-after 30] ...`:
// starts the sidecar in-process (building the reference from the example's training data
// when it is missing), sends credit-model traffic that drifts on a schedule, and every few
// seconds prints a table read back from /metrics so the drift is seen as it appears. Each
// prediction's ground truth is posted to the labels endpoint --label-delay seconds later, so
// the estimated performance moves first and the realised one when the labels arrive.
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { processOutput, type CliOutput } from './output.js';
import { ConfigError, loadConfig } from '../config/loader.js';
import { listenFlag } from './listen-flag.js';
import type { Config, ListenAddress, LoggingConfig, ModelConfig } from '../config/types.js';
import { CREDIT_MODEL_NAME } from '../demo/credit-model.js';
import { readModel, formatTable, type ModelReading } from '../demo/report.js';
import { DEFAULT_SCHEDULE, driftAt, scheduleProblems, type DriftSchedule } from '../demo/schedule.js';
import { parseExposition } from '../demo/scrape.js';
import { LabelSender } from '../demo/label-sender.js';
import { TrafficSender, fetchErrorMessage } from '../demo/sender.js';
import { DemoSetupError, ensureReference, findDemoModel, urlOf } from '../demo/setup.js';
import { watchStop, type StopWatch } from '../demo/stop.js';
import { TrafficGenerator } from '../demo/traffic.js';
import { logger } from '../log.js';
import { ReferenceBuildError } from '../reference/errors.js';
import { StartupError, startSidecar } from '../serve/sidecar.js';

/** Outcomes come later than decisions: long enough to watch the estimate lead, short for a demo. */
const DEFAULT_LABEL_DELAY_SECONDS = 20;

export const DEMO_USAGE = `usage: mlwatch demo --config FILE [--rate N] [--drift-after SECONDS] [--duration SECONDS] [--no-serve]
         [--label-delay SECONDS] [--data FILE] [--model NAME] [--seed N] [--fault-rate SHARE] [--report-every SECONDS]
         [--ingest-listen HOST:PORT] [--metrics-listen HOST:PORT] [--stop-with-parent]`;

export const DEMO_HELP = `${DEMO_USAGE}

Starts the sidecar in this process (building the reference from the training data when it is
missing), sends credit-model traffic whose inputs drift on a schedule, and prints a table read
back from /metrics every few seconds. Each prediction's outcome is posted as its label
--label-delay seconds later: the estimated accuracy (from the scores alone) falls as soon as
the drift starts, the realised accuracy when the drifted predictions' labels arrive. SIGINT (Ctrl-C) or SIGTERM stops it: the sender stops,
a last table is printed, the listeners drain and close, exit 0.

options:
  --config FILE               the mlwatch config (YAML), e.g. examples/credit/mlwatch.yaml; required
  --rate N                    events per second (default 200)
  --drift-after SECONDS       when the inputs start to drift (default ${DEFAULT_SCHEDULE.drift_after_seconds}; 0: from the start)
  --duration SECONDS          stop after this long (default: run until stopped)
  --no-serve                  send to a sidecar already running at the config's listen addresses
  --label-delay SECONDS       how long after its prediction each label is posted (default ${DEFAULT_LABEL_DELAY_SECONDS})
  --data FILE                 training data to build a missing reference from (default train.csv beside the config)
  --model NAME                the config's model to send for (default ${CREDIT_MODEL_NAME})
  --seed N                    seed of the generated traffic (default 1)
  --fault-rate SHARE          share of events with a fault (default ${DEFAULT_SCHEDULE.fault_rate})
  --report-every SECONDS      how often the table is printed (default 5)
  --ingest-listen HOST:PORT   instead of the config's ingest.listen (port 0: any free port)
  --metrics-listen HOST:PORT  instead of the config's metrics.listen
  --stop-with-parent          stop as on SIGTERM when the process that started the demo dies
                              (npm run demo sets it: a killed npm cannot forward a signal)
  -h, --help                  this help

exit status: 0 after a stop, 1 when the config, the data or a listener is wrong, 2 for a
usage error.
`;

interface DemoArguments {
  config: string;
  rate: number;
  labelDelaySeconds: number;
  schedule: DriftSchedule;
  duration: number | null;
  serve: boolean;
  data: string | null;
  model: string;
  seed: number;
  reportEverySeconds: number;
  ingestListen?: ListenAddress;
  metricsListen?: ListenAddress;
  stopWithParent: boolean;
}

/** A generous bound on one event's NDJSON size, to keep batches under max_body_bytes. */
const EVENT_BYTES_BOUND = 1024;
const SCRAPE_TIMEOUT_MS = 4000;

export async function runDemo(args: string[], output: CliOutput = processOutput): Promise<number> {
  // Read before anything slow: a parent that dies while the reference builds must still count.
  const parentPid = process.ppid;
  const parsed = parseArguments(args);
  if (parsed === 'help') {
    output.stdout(DEMO_HELP);
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

  const stop = watchStop({ durationSeconds: parsed.duration, parentPid: parsed.stopWithParent ? parentPid : null });
  try {
    await sendAndReport(parsed, config, model, urls, stop, output);
  } finally {
    // Signals stay handled until the listeners are closed: a second SIGINT must not cut the drain.
    await urls.close();
    stop.dispose();
  }
  return 0;
}

async function sendAndReport(
  args: DemoArguments,
  config: Config,
  model: ModelConfig,
  urls: { ingestUrl: string; metricsUrl: string },
  stop: StopWatch,
  output: CliOutput,
): Promise<void> {
  const modelUrl = `${urls.ingestUrl}/v1/models/${encodeURIComponent(model.name)}`;
  const predictionsUrl = `${modelUrl}/predictions`;
  const labelsUrl = `${modelUrl}/labels`;
  const authEnv = config.ingest.auth_token_env;
  const authToken = authEnv ? process.env[authEnv] : undefined;
  const maxBatch = Math.max(1, Math.min(config.ingest.max_batch_events, Math.floor(config.ingest.max_body_bytes / EVENT_BYTES_BOUND)));
  // The labels run on the traffic's clock (the sender is made just below).
  const labels: LabelSender = new LabelSender({
    url: labelsUrl,
    delaySeconds: args.labelDelaySeconds,
    maxBatch,
    elapsedSeconds: (): number => sender.elapsedSeconds(),
    authToken,
  });
  const sender: TrafficSender = new TrafficSender({
    generator: new TrafficGenerator({
      seed: args.seed,
      schedule: args.schedule,
      modelVersion: model.version,
      idPrefix: `demo-${Date.now().toString(36)}`,
    }),
    url: predictionsUrl,
    rate: args.rate,
    maxBatch,
    authToken,
    labels,
  });
  output.stdout(banner(args, model, urls, predictionsUrl, labelsUrl));

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

  let reporting: Promise<void> | null = null;
  const reporter = setInterval(() => {
    reporting ??= report().finally(() => {
      reporting = null;
    });
  }, args.reportEverySeconds * 1000);
  try {
    await Promise.all([sender.run(stop.signal), labels.run(stop.signal)]);
  } finally {
    clearInterval(reporter);
  }
  await reporting;
  await report();
  const { stats } = sender;
  const why = stop.reason();
  output.stdout(
    `\nstopped${why === null || why === '--duration' ? '' : ` (${why})`} after ${sender.elapsedSeconds().toFixed(1)} s: sent ${stats.sent} events in ${stats.requests} requests ` +
      `(accepted ${stats.accepted}, rejected ${stats.rejected}, failed requests ${stats.failedRequests}, lost ${stats.lost}` +
      `${stats.skipped > 0 ? `, skipped ${stats.skipped} while behind` : ''})\n`,
  );
  output.stdout(labelsLine(labels));
}

function labelsLine(labels: LabelSender): string {
  const { stats } = labels;
  const failures = stats.failedRequests > 0 ? `, failed requests ${stats.failedRequests}, lost ${stats.lost} (last: ${stats.lastError})` : '';
  return (
    `labels: sent ${stats.sent} in ${stats.requests} requests (accepted ${stats.accepted}, joined ${stats.joined}, ` +
    `pending ${stats.pending}, rejected ${stats.rejected}${failures}); ${labels.waiting} not yet due at the stop\n`
  );
}

function banner(args: DemoArguments, model: ModelConfig, urls: { metricsUrl: string }, predictionsUrl: string, labelsUrl: string): string {
  const when = args.schedule.drift_after_seconds === 0 ? 'from the start' : `after ${args.schedule.drift_after_seconds} s`;
  return [
    `mlwatch demo: model "${model.name}", ${args.rate} events/s, inputs drift ${when}` +
      `${args.duration === null ? '' : `, for ${args.duration} s`}${args.serve ? '' : ' (sending to a running sidecar)'}`,
    `  ingest    POST ${predictionsUrl}`,
    `  labels    POST ${labelsUrl}   each prediction's outcome, ${args.labelDelaySeconds} s after it`,
    `  metrics   ${urls.metricsUrl}/metrics   (landing page ${urls.metricsUrl}/)`,
    `  in Prometheus: mlwatch_feature_drift{model="${model.name}",method="psi"}   mlwatch_drifted_features_ratio{model="${model.name}"}`,
    `  performance: mlwatch_estimated_performance{model="${model.name}",metric="accuracy"} (from the scores, at once) vs ` +
      `mlwatch_performance{model="${model.name}",metric="accuracy"} (from the labels, ${args.labelDelaySeconds} s later)`,
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
        'label-delay': { type: 'string' },
        'no-serve': { type: 'boolean' },
        data: { type: 'string' },
        model: { type: 'string' },
        seed: { type: 'string' },
        'fault-rate': { type: 'string' },
        'report-every': { type: 'string' },
        'ingest-listen': { type: 'string' },
        'metrics-listen': { type: 'string' },
        'stop-with-parent': { type: 'boolean' },
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
      labelDelaySeconds: numberOption('--label-delay', text('label-delay'), DEFAULT_LABEL_DELAY_SECONDS, 0),
      schedule,
      duration: duration === undefined ? null : numberOption('--duration', duration, 0, Number.MIN_VALUE),
      serve: values['no-serve'] !== true,
      data: text('data') === undefined ? null : resolve(text('data') as string),
      model: text('model') ?? CREDIT_MODEL_NAME,
      seed,
      reportEverySeconds: numberOption('--report-every', text('report-every'), 5, 0.1),
      ingestListen: ingest === undefined ? undefined : listenFlag('--ingest-listen', ingest),
      metricsListen: metrics === undefined ? undefined : listenFlag('--metrics-listen', metrics),
      stopWithParent: values['stop-with-parent'] === true,
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

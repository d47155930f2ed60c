#!/usr/bin/env node
// The one mlwatch binary: dispatches to the commands.
import { runConfigCheck } from './config-check.js';
import { runDemo } from './demo.js';
import { runReferenceBuild } from './reference-build.js';
import { runKubernetesGenerate } from './kubernetes.js';
import { runRulesFleetDrift } from './rules-fleet-drift.js';
import { runRulesGenerate } from './rules.js';
import { runServe } from './serve.js';

const USAGE = `usage: mlwatch <command>

commands:
  serve --config FILE [--ingest-listen HOST:PORT] [--metrics-listen HOST:PORT]
                          run the sidecar
  reference build --config FILE --model NAME --data FILE --out FILE
                          build a model's reference sketch from training data (CSV or JSON Lines)
  config check --config FILE
                          validate the config and every reference it names
  demo --config FILE [--rate N] [--drift-after SECONDS] [--duration SECONDS] [--no-serve] ...
                          run the sidecar with generated traffic whose inputs drift
                          (all options: mlwatch demo --help)
  rules generate --thresholds FILE --out FILE [--format rules|prometheus-rule] [--release NAME]
                          write the Prometheus alert rules from a thresholds file
                          (alert-rules/thresholds.yaml is the shipped one), or a PrometheusRule
  rules fleet-drift [--window DURATION] [--interval DURATION] --out FILE [--format ...]
                          write the recording rules for fleet-wide PSI and JS drift
  kubernetes generate --out DIR [--release NAME] [--image IMAGE] ...
                          write the Kubernetes manifests and Prometheus Operator objects
                          (all options: mlwatch kubernetes generate --help)
`;

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'serve') return runServe(argv.slice(1));
  if (command === 'demo') return runDemo(argv.slice(1));
  if (command === 'reference' && sub === 'build') return runReferenceBuild(rest);
  if (command === 'config' && sub === 'check') return runConfigCheck(rest);
  if (command === 'rules' && sub === 'generate') return runRulesGenerate(rest);
  if (command === 'rules' && sub === 'fleet-drift') return runRulesFleetDrift(rest);
  if (command === 'kubernetes' && sub === 'generate') return runKubernetesGenerate(rest);
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`unknown command: ${argv.join(' ')}\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mlwatch: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

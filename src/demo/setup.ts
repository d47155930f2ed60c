// What the demo checks and prepares before it sends traffic: the model in the config
// matches the generator's features, and its reference exists (built from the example's
// training data when it doesn't).
import { access } from 'node:fs/promises';
import type { Config, ListenAddress, ModelConfig } from '../config/types.js';
import { buildReference } from '../reference/build.js';
import { writeReference } from '../reference/io.js';
import { CREDIT_FEATURES } from './credit-model.js';

export class DemoSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoSetupError';
  }
}

export function findDemoModel(config: Config, name: string): ModelConfig {
  const model = config.models.find((m) => m.name === name);
  if (model === undefined) {
    const names = config.models.map((m) => `"${m.name}"`).join(', ');
    throw new DemoSetupError(`config ${config.source_path} has no model "${name}" (its models: ${names}); the demo sends credit-model traffic, see examples/credit/mlwatch.yaml`);
  }
  const problems = featureMismatches(model);
  if (problems.length > 0) {
    throw new DemoSetupError(
      `model "${name}" in ${config.source_path} does not declare the features the demo generates:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  if (model.task !== 'binary_classification') {
    throw new DemoSetupError(`model "${name}" in ${config.source_path} has task ${model.task}; the demo's credit model is a binary_classification`);
  }
  return model;
}

/** Every generated feature must be declared with its type (extra declared features are fine). */
export function featureMismatches(model: ModelConfig): string[] {
  const problems: string[] = [];
  for (const spec of CREDIT_FEATURES) {
    const declared = model.features.find((f) => f.name === spec.name);
    if (declared === undefined) problems.push(`features: no feature "${spec.name}" (type ${spec.type})`);
    else if (declared.type !== spec.type) problems.push(`features.${spec.name}: type is ${declared.type}, the demo sends ${spec.type}`);
  }
  return problems;
}

/** Builds the model's reference from `dataPath` unless the file exists; true when it built one. */
export async function ensureReference(model: ModelConfig, dataPath: string): Promise<boolean> {
  if (await exists(model.reference)) return false;
  if (!(await exists(dataPath))) {
    throw new DemoSetupError(
      `the reference ${model.reference} does not exist and there is no training data at ${dataPath} to build it from; pass --data FILE (CSV or JSON Lines)`,
    );
  }
  const reference = await buildReference({ model, dataPath });
  try {
    await writeReference(model.reference, reference);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DemoSetupError(`cannot write the reference ${model.reference}: ${reason}; make its folder writable or point the config's reference elsewhere`);
  }
  return true;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The URL a client on this host uses for a listen address (a wildcard is reached on loopback). */
export function urlOf(address: ListenAddress): string {
  const host = address.host === '0.0.0.0' ? '127.0.0.1' : address.host === '::' ? '::1' : address.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

// The model of the throughput and memory runs — 15 numeric and 5 categorical features —
// with its config and a reference built from a seeded 2000-row training CSV by the real CLI.
import { join } from 'node:path';
import { buildReference } from './servers.js';
import { modelSpec, writeConfig, writeTrainingCsv } from './workload.js';

/**
 * @param {string} workdir
 * @returns {Promise<{ spec: import('./workload.js').ModelSpec, configPath: string }>}
 */
export async function prepareIngestModel(workdir) {
  const spec = modelSpec('m0', 15, 5, 42);
  const configPath = join(workdir, 'mlwatch.yaml');
  writeConfig(configPath, [spec]);
  const csv = join(workdir, 'train-m0.csv');
  writeTrainingCsv(csv, spec, 2000, 4242);
  await buildReference(configPath, spec.name, csv, join(workdir, `ref-${spec.name}.json`));
  return { spec, configPath };
}

// The model of the throughput and memory runs — 15 numeric and 5 categorical features —
// with its config and a reference built from a seeded 2000-row training CSV by the real CLI;
// and the same model sliced by two segment features (a categorical and a numeric one) with
// two variants, in a config of its own beside it, for the sliced ingest runs.
import { join } from 'node:path';
import { buildReference } from './servers.js';
import { modelSpec, slicesFor, writeConfig, writeTrainingCsv } from './workload.js';

/**
 * @param {string} workdir
 * @returns {Promise<{ spec: import('./workload.js').ModelSpec, configPath: string, slicedConfigPath: string }>}
 */
export async function prepareIngestModel(workdir) {
  const spec = modelSpec('m0', 15, 5, 42);
  const configPath = join(workdir, 'mlwatch.yaml');
  writeConfig(configPath, [spec]);
  const csv = join(workdir, 'train-m0.csv');
  writeTrainingCsv(csv, spec, 2000, 4242);
  await buildReference(configPath, spec.name, csv, join(workdir, `ref-${spec.name}.json`));
  const slicedConfigPath = join(workdir, 'mlwatch-sliced.yaml');
  writeConfig(slicedConfigPath, [spec], { slices: slicesFor(spec), referenceSuffix: '-sliced' });
  await buildReference(slicedConfigPath, spec.name, csv, join(workdir, `ref-${spec.name}-sliced.json`));
  return { spec, configPath, slicedConfigPath };
}

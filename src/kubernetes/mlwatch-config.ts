// The mlwatch config a pod runs, made from the example config (examples/credit/mlwatch.yaml):
// listeners for a pod, production drift windows (the built-in defaults, not the demo's one
// minute), the reference read from its mounted volume; for KServe, the logger mapping.
import { dump, load } from 'js-yaml';
import { isRecord } from '../config/problems.js';

export const CONFIG_DIR = '/etc/mlwatch';
export const REFERENCE_DIR = '/var/lib/mlwatch/reference';
export const INGEST_PORT = 9801;
export const METRICS_PORT = 9802;

export interface PodConfigOptions {
  /** 127.0.0.1 beside the model server in its pod; 0.0.0.0 when KServe's logger posts from another pod. */
  ingestHost: '127.0.0.1' | '0.0.0.0';
  /** Add each model's kserve mapping: the InferenceService is the model's name, list rows in feature order. */
  kserve: boolean;
}

export function podConfigYaml(exampleYaml: string, options: PodConfigOptions): string {
  const doc = load(exampleYaml);
  if (!isRecord(doc) || !Array.isArray(doc.models)) throw new Error('the example config has no models list');
  const models = doc.models.map((model: unknown) => {
    if (!isRecord(model) || typeof model.name !== 'string') throw new Error('every model of the example config needs a name');
    const features = Array.isArray(model.features) ? model.features.map((f: unknown) => (isRecord(f) ? f.name : undefined)) : [];
    return {
      ...model,
      reference: `${REFERENCE_DIR}/${model.name}.json`,
      ...(options.kserve ? { kserve: { inference_service: model.name, logger_mode: 'all', columns: features } } : {}),
    };
  });
  const config = {
    ingest: { listen: `${options.ingestHost}:${INGEST_PORT}` },
    metrics: { listen: `0.0.0.0:${METRICS_PORT}` },
    logging: { level: 'info' },
    models,
  };
  const where = options.kserve ? 'the KServe logger receiver' : 'the model server pod';
  return `# mlwatch config of ${where}; the reference is mounted at ${REFERENCE_DIR}.\n${dump(config, { lineWidth: -1, flowLevel: 4 })}`;
}

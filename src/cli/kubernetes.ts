// `mlwatch kubernetes generate --out DIR [--release NAME] [--image IMAGE] [--model-server-image IMAGE]
// [--storage-uri URI] [--thresholds FILE] [--dashboards DIR] [--example-config FILE]`: writes the
// Kubernetes manifests and Prometheus Operator objects (docs/kubernetes.md). Exit 0 when written,
// 1 when an input cannot be read or the files cannot be written, 2 for a usage error.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { processOutput, type CliOutput } from './output.js';
import { DEFAULTS, generateManifests } from '../kubernetes/manifests.js';
import { parseRuleFormat } from './rule-format.js';
import { ThresholdsError, loadThresholds } from '../rules/alerts.js';

export const KUBERNETES_USAGE =
  'usage: mlwatch kubernetes generate --out DIR [--release NAME] [--image IMAGE] [--model-server-image IMAGE] [--storage-uri URI] [--thresholds FILE] [--dashboards DIR] [--example-config FILE]';

export const KUBERNETES_HELP = `${KUBERNETES_USAGE}

Writes the Kubernetes manifests (the model server with mlwatch as a sidecar, the KServe logger
receiver), the ServiceMonitor and PodMonitor, the PrometheusRules and the dashboard ConfigMaps
(docs/kubernetes.md). The committed ones: npm run kubernetes.

options:
  --out DIR                    the folder to write into; required
  --release NAME               the release label kube-prometheus-stack selects by (default ${DEFAULTS.release})
  --image IMAGE                the mlwatch image (default ${DEFAULTS.image}; build it from the Dockerfile)
  --model-server-image IMAGE   your model server's image (default ${DEFAULTS.modelServerImage})
  --storage-uri URI            the InferenceService's model (default ${DEFAULTS.storageUri})
  --thresholds FILE            alert thresholds (default ${DEFAULTS.thresholds})
  --dashboards DIR             the dashboards' JSON (default ${DEFAULTS.dashboards})
  --example-config FILE        the mlwatch config the pods' configs are made from (default ${DEFAULTS.exampleConfig})
  -h, --help                   this help

exit status: 0 when written, 1 when an input cannot be read or the files cannot be written, 2 for a usage error.
`;

export function runKubernetesGenerate(args: string[], output: CliOutput = processOutput): number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        release: { type: 'string' },
        image: { type: 'string' },
        'model-server-image': { type: 'string' },
        'storage-uri': { type: 'string' },
        thresholds: { type: 'string' },
        dashboards: { type: 'string' },
        'example-config': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help === true) {
      output.stdout(KUBERNETES_HELP);
      return 0;
    }
    if (typeof values.out !== 'string' || values.out === '') throw new Error('--out is required');
    parseRuleFormat({ format: 'prometheus-rule', release: values.release as string | undefined });
  } catch (error) {
    output.stderr(`mlwatch kubernetes generate: ${error instanceof Error ? error.message : String(error)}\n${KUBERNETES_USAGE}\n`);
    return 2;
  }
  const get = (key: string, fallback: string): string => (typeof values[key] === 'string' ? (values[key] as string) : fallback);
  const out = values.out as string;
  let files;
  try {
    const dashboardsDir = get('dashboards', DEFAULTS.dashboards);
    const dashboards = readdirSync(dashboardsDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((file) => ({ file, text: readFileSync(join(dashboardsDir, file), 'utf8') }));
    files = generateManifests(
      {
        image: get('image', DEFAULTS.image),
        modelServerImage: get('model-server-image', DEFAULTS.modelServerImage),
        release: get('release', DEFAULTS.release),
        storageUri: get('storage-uri', DEFAULTS.storageUri),
        exampleConfig: readFileSync(get('example-config', DEFAULTS.exampleConfig), 'utf8'),
        thresholds: loadThresholds(get('thresholds', DEFAULTS.thresholds)),
        dashboards,
      },
      out,
    );
  } catch (error) {
    output.stderr(error instanceof ThresholdsError ? `${error.message}\n` : `mlwatch kubernetes generate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    for (const file of files) {
      const path = join(out, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.text);
    }
  } catch (error) {
    output.stderr(`mlwatch kubernetes generate: cannot write ${out}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  output.stdout(`wrote ${files.length} files to ${out}\n`);
  return 0;
}

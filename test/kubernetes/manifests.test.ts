// deploy/kubernetes/ is exactly what `mlwatch kubernetes generate` writes from the committed
// sources (regenerating changes nothing), and every object in it validates against its
// Kubernetes or Prometheus Operator schema (kubernetes-models, @kubernetes-models/prometheus-operator:
// the OpenAPI schemas compiled to validators, no cluster needed). The pods' mlwatch configs load
// with mlwatch's own loader; the rule objects hold exactly the shipped rule files' groups.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import { load, loadAll } from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { describe, expect, it } from 'vitest';
import { runKubernetesGenerate } from '../../src/cli/kubernetes.js';
import { parseConfig } from '../../src/config/loader.js';
import { DEFAULTS, generateManifests, type ManifestInputs } from '../../src/kubernetes/manifests.js';
import { VERSION } from '../../src/kubernetes/labels.js';
import { alertRuleGroups, loadThresholds } from '../../src/rules/alerts.js';
import { INFERENCE_SERVICE_SCHEMA } from './inferenceservice-schema.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy', 'kubernetes');
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: unknown };

function shippedInputs(): ManifestInputs {
  const dashboardsDir = join(ROOT, DEFAULTS.dashboards);
  return {
    image: DEFAULTS.image,
    modelServerImage: DEFAULTS.modelServerImage,
    release: DEFAULTS.release,
    storageUri: DEFAULTS.storageUri,
    exampleConfig: readFileSync(join(ROOT, DEFAULTS.exampleConfig), 'utf8'),
    thresholds: loadThresholds(join(ROOT, DEFAULTS.thresholds)),
    dashboards: readdirSync(dashboardsDir).filter((f) => f.endsWith('.json')).sort().map((file) => ({ file, text: readFileSync(join(dashboardsDir, file), 'utf8') })),
  };
}

function committedFiles(dir = DEPLOY): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? committedFiles(path) : [relative(DEPLOY, path)];
  }).sort();
}

function objectsOf(path: string): K8sObject[] {
  return loadAll(readFileSync(join(DEPLOY, path), 'utf8')) as K8sObject[];
}

const allObjects = (): { file: string; object: K8sObject }[] => committedFiles().flatMap((file) => objectsOf(file).map((object) => ({ file, object })));
const validateInferenceService = new Ajv({ allErrors: true }).compile(INFERENCE_SERVICE_SCHEMA);

/** Validates with the model class of the object's kind; throws with the schema's message. */
function validate(object: K8sObject): void {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    'apps/v1 Deployment': Deployment,
    'v1 Service': Service,
    'v1 ConfigMap': ConfigMap,
    'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
    'monitoring.coreos.com/v1 ServiceMonitor': ServiceMonitor,
    'monitoring.coreos.com/v1 PodMonitor': PodMonitor,
    'monitoring.coreos.com/v1 PrometheusRule': PrometheusRule,
  };
  const key = `${object.apiVersion} ${object.kind}`;
  if (key === 'serving.kserve.io/v1beta1 InferenceService') {
    if (!validateInferenceService(object)) throw new Error(JSON.stringify(validateInferenceService.errors));
    return;
  }
  const Model = models[key];
  if (Model === undefined) throw new Error(`no schema for ${key}`);
  new Model(object as never).validate();
}

describe('deploy/kubernetes', () => {
  it('is exactly what mlwatch kubernetes generate writes: regenerating changes nothing', () => {
    const generated = generateManifests(shippedInputs());
    expect(committedFiles()).toEqual(generated.map((f) => f.path).sort());
    for (const file of generated) expect(readFileSync(join(DEPLOY, file.path), 'utf8'), `${file.path} is stale: run npm run kubernetes`).toBe(file.text);
  });

  it('has objects that each validate against their schema', () => {
    const objects = allObjects();
    expect(objects.length).toBe(18); // one ConfigMap per dashboard: four since the performance dashboard
    for (const { file, object } of objects) expect(() => validate(object), `${file}: ${object.kind} ${object.metadata.name}`).not.toThrow();
  });

  it('validation catches what it should (so a pass means something)', () => {
    const [deployment] = objectsOf('sidecar/native-sidecar.yaml');
    const broken = structuredClone(deployment) as { spec: { template: { spec: { initContainers: { ports: { containerPort: unknown }[] }[] } } } } & K8sObject;
    broken.spec.template.spec.initContainers[0].ports[0].containerPort = 'ingest';
    expect(() => validate(broken)).toThrow(/containerPort must be integer/);
    const [rule] = objectsOf('monitoring/prometheusrule-alerts.yaml');
    const badRule = structuredClone(rule) as { spec: { groups: { rules: { for: string }[] }[] } } & K8sObject;
    badRule.spec.groups[0].rules[0].for = '2 minutes';
    expect(() => validate(badRule)).toThrow(/for must match pattern/);
    const [isvc] = objectsOf('kserve/inferenceservice.yaml');
    expect(() => validate({ ...isvc, spec: { predictor: { logger: { url: 'http://x', mode: 'everything' } } } })).toThrow();
  });

  it('has unique names per kind, the app labels, and the version of package.json', async () => {
    const seen = new Set<string>();
    for (const { object } of allObjects()) {
      const key = `${object.kind}/${object.metadata.name}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('runs mlwatch as a native sidecar (init container, restartPolicy Always) and as a classic one', () => {
    const [native] = objectsOf('sidecar/native-sidecar.yaml') as unknown as { spec: { template: { spec: { initContainers: Record<string, unknown>[]; containers: { name: string }[] } } } }[];
    const pod = native.spec.template.spec;
    expect(pod.initContainers.map((c) => [c.name, c.restartPolicy])).toEqual([['mlwatch', 'Always']]);
    expect(pod.containers.map((c) => c.name)).toEqual(['model-server']);
    const mlwatch = pod.initContainers[0];
    expect(mlwatch).toMatchObject({
      startupProbe: { httpGet: { path: '/readyz', port: 'metrics' } },
      readinessProbe: { httpGet: { path: '/readyz', port: 'metrics' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 'metrics' } },
      securityContext: { runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      resources: { limits: { memory: '256Mi' } },
    });
    const [classic] = objectsOf('sidecar/classic-sidecar.yaml') as unknown as { spec: { template: { spec: { initContainers?: unknown; containers: Record<string, unknown>[] } } } }[];
    expect(classic.spec.template.spec.initContainers).toBeUndefined();
    expect(classic.spec.template.spec.containers.map((c) => c.name)).toEqual(['model-server', 'mlwatch']);
    expect(classic.spec.template.spec.containers[1].restartPolicy).toBeUndefined();
  });

  it("gives the pods mlwatch configs that mlwatch's own loader accepts", () => {
    const configOf = (file: string) => {
      const map = objectsOf(file).find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
      return parseConfig(map.data['mlwatch.yaml'], '/etc/mlwatch/mlwatch.yaml');
    };
    const sidecar = configOf('sidecar/mlwatch-config.yaml');
    expect(sidecar.ingest.listen).toEqual({ host: '127.0.0.1', port: 9801 });
    expect(sidecar.models[0].reference).toBe('/var/lib/mlwatch/reference/credit.json');
    expect(sidecar.models[0].drift.window_seconds).toBe(600);
    const receiver = configOf('kserve/mlwatch-receiver.yaml');
    expect(receiver.ingest.listen).toEqual({ host: '0.0.0.0', port: 9801 });
    expect(receiver.models[0].kserve.columns).toEqual(receiver.models[0].features.map((f) => f.name));
    const [isvc] = objectsOf('kserve/inferenceservice.yaml') as unknown as { metadata: { name: string }; spec: { predictor: { logger: { url: string } } } }[];
    expect(isvc.metadata.name).toBe(receiver.models[0].kserve.inference_service);
    expect(isvc.spec.predictor.logger.url).toBe('http://mlwatch-kserve:9801/v1/cloudevents');
  });

  it('puts the shipped alert and fleet rules in PrometheusRules, and the release label where the operator selects by it', () => {
    const [alerts] = objectsOf('monitoring/prometheusrule-alerts.yaml') as unknown as { spec: { groups: unknown } }[];
    expect(alerts.spec.groups).toEqual(alertRuleGroups(loadThresholds(join(ROOT, DEFAULTS.thresholds))));
    const [fleet] = objectsOf('monitoring/prometheusrule-fleet-drift.yaml') as unknown as { spec: { groups: unknown } }[];
    expect(fleet.spec.groups).toEqual((load(readFileSync(join(ROOT, 'alert-rules', 'fleet-drift.rules.yml'), 'utf8')) as { groups: unknown }).groups);
    for (const { object } of allObjects()) {
      if (object.apiVersion === 'monitoring.coreos.com/v1') expect(object.metadata.labels?.release, object.kind).toBe('kube-prometheus-stack');
    }
    for (const file of ['monitoring/servicemonitor.yaml', 'monitoring/podmonitor.yaml']) {
      const [monitor] = objectsOf(file) as unknown as { spec: Record<string, { relabelings: unknown }[]> }[];
      const endpoints = monitor.spec.endpoints ?? monitor.spec.podMetricsEndpoints;
      // The alert rules match job="mlwatch" (thresholds.yaml).
      expect(endpoints[0].relabelings).toEqual([{ action: 'replace', targetLabel: 'job', replacement: 'mlwatch' }]);
    }
  });

  it('ships the dashboards as grafana_dashboard ConfigMaps, each small enough for kubectl apply', () => {
    const maps = objectsOf('monitoring/dashboards.yaml') as unknown as { metadata: { labels: Record<string, string> }; data: Record<string, string> }[];
    const files = readdirSync(join(ROOT, 'dashboards')).filter((f) => f.endsWith('.json')).sort();
    expect(maps.map((m) => Object.keys(m.data)[0])).toEqual(files);
    for (const map of maps) {
      expect(map.metadata.labels.grafana_dashboard).toBe('1');
      const [[file, text]] = Object.entries(map.data);
      expect(text).toBe(readFileSync(join(ROOT, 'dashboards', file), 'utf8'));
      // Client-side apply copies the object into an annotation limited to 256 KiB.
      expect(Buffer.byteLength(text)).toBeLessThan(256 * 1024);
    }
  });
});

describe('the reference in a ConfigMap', () => {
  it('fits for the credit example, at the size docs/kubernetes.md states', async () => {
    const { buildReference } = await import('../../src/reference/build.js');
    const config = parseConfig(readFileSync(join(ROOT, DEFAULTS.exampleConfig), 'utf8'), join(ROOT, DEFAULTS.exampleConfig));
    const reference = await buildReference({ model: config.models[0], dataPath: join(ROOT, 'examples', 'credit', 'train.csv'), now: new Date('2026-11-20T00:00:00Z') });
    const { writeReference } = await import('../../src/reference/io.js');
    const dir = await mkdtemp(join(tmpdir(), 'mlwatch-ref-size-'));
    try {
      await writeReference(join(dir, 'credit.json'), reference);
      const bytes = statSync(join(dir, 'credit.json')).size;
      const stated = /reference is \*\*(\d+) kB for 10 features\*\*/.exec(readFileSync(join(ROOT, 'docs', 'kubernetes.md'), 'utf8'));
      expect(stated, 'docs/kubernetes.md states the reference size').not.toBeNull();
      expect(Math.abs(bytes / 1000 - Number(stated?.[1]))).toBeLessThan(Number(stated?.[1]) * 0.05);
      expect(bytes).toBeLessThan(1024 * 1024);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mlwatch kubernetes generate', () => {
  const run = (args: string[]) => {
    const captured = { out: '', err: '' };
    const code = runKubernetesGenerate(args, { stdout: (t) => (captured.out += t), stderr: (t) => (captured.err += t) });
    return { code, ...captured };
  };

  it('writes every file, with the release label and images given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlwatch-k8s-'));
    try {
      const cwd = process.cwd();
      process.chdir(ROOT);
      let result;
      try {
        result = run(['--out', dir, '--release', 'prom', '--image', 'ghcr.io/acme/mlwatch:0.1.0']);
      } finally {
        process.chdir(cwd);
      }
      expect(result).toMatchObject({ code: 0, out: `wrote 10 files to ${dir}\n` });
      const rule = await readFile(join(dir, 'monitoring', 'prometheusrule-alerts.yaml'), 'utf8');
      expect(rule).toContain('    release: prom\n');
      expect(rule).toContain(`mlwatch kubernetes generate --out ${dir} --release prom --image ghcr.io/acme/mlwatch:0.1.0`);
      expect(await readFile(join(dir, 'sidecar', 'native-sidecar.yaml'), 'utf8')).toContain('image: ghcr.io/acme/mlwatch:0.1.0');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on usage errors and 1 when an input is missing', () => {
    expect(run([]).code).toBe(2);
    expect(run(['--out', '/tmp/x', '--release', 'no spaces']).err).toContain('--release must be a Kubernetes label value');
    expect(run(['--out', '/tmp/x', '--dashboards', '/nonexistent']).code).toBe(1);
    expect(run(['--help'])).toMatchObject({ code: 0 });
  });
});

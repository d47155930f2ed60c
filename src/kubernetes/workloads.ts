// The pods: mlwatch as a sidecar of a model server (native sidecar, Kubernetes >= 1.29: an
// init container with restartPolicy Always that starts before the model server and stops
// after it; or the classic second container), and mlwatch alone as KServe's logger target.
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { CONFIG_DIR, INGEST_PORT, METRICS_PORT, REFERENCE_DIR } from './mlwatch-config.js';
import { mlwatchLabels, SCRAPE_LABEL } from './labels.js';

export interface WorkloadOptions {
  /** The mlwatch image (built from the repository's Dockerfile). */
  image: string;
  /** The model server's image: yours. */
  modelServerImage: string;
}

export const MODEL_SERVER = 'credit-model';
export const MODEL_SERVER_PORT = 8080;
export const MLWATCH_RECEIVER = 'mlwatch-kserve';
/** The node user of the image (Dockerfile: USER node). */
const NODE_UID = 1000;

export function configMap(name: string, component: string, configYaml: string): IConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: mlwatchLabels(component) }, data: { 'mlwatch.yaml': configYaml } };
}

/** The mlwatch container: non-root, read-only root, probes on the metrics listener, bounded memory. */
export function mlwatchContainer(image: string, sidecar: 'native' | 'classic' | 'none'): IContainer {
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'metrics' },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });
  return {
    name: 'mlwatch',
    image,
    ...(sidecar === 'native' ? { restartPolicy: 'Always' } : {}),
    args: ['serve', '--config', `${CONFIG_DIR}/mlwatch.yaml`],
    ports: [
      { name: 'ingest', containerPort: INGEST_PORT, protocol: 'TCP' },
      { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
    ],
    // A native sidecar's startup probe holds the model server back until mlwatch is ready.
    startupProbe: probe('/readyz', 1, 30),
    readinessProbe: probe('/readyz', 10, 3),
    livenessProbe: probe('/healthz', 10, 3),
    // bench/RESULTS.md: 121 MB peak RSS over 10M events with one 10-feature model.
    resources: { requests: { cpu: '100m', memory: '160Mi' }, limits: { memory: '256Mi' } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NODE_UID,
      runAsGroup: NODE_UID,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'mlwatch-config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'mlwatch-reference', mountPath: REFERENCE_DIR, readOnly: true },
    ],
  };
}

/**
 * The config from a ConfigMap; the reference from its own volume. A ConfigMap holds at most
 * 1 MiB: the credit example's reference fits (docs/kubernetes.md gives the sizes), a larger
 * one goes on a PersistentVolumeClaim or an image volume instead.
 */
function mlwatchVolumes(configName: string): IVolume[] {
  return [
    { name: 'mlwatch-config', configMap: { name: configName } },
    { name: 'mlwatch-reference', configMap: { name: 'mlwatch-reference' } },
  ];
}

export function sidecarDeployment(options: WorkloadOptions, form: 'native' | 'classic'): IDeployment {
  const name = form === 'native' ? MODEL_SERVER : `${MODEL_SERVER}-classic-sidecar`;
  const selector = { 'app.kubernetes.io/name': name };
  const modelServer: IContainer = {
    name: 'model-server',
    image: options.modelServerImage,
    ports: [{ name: 'http', containerPort: MODEL_SERVER_PORT, protocol: 'TCP' }],
    // Where the model server posts events (the Python client's Monitor(url=...)): mlwatch in the same pod.
    env: [{ name: 'MLWATCH_URL', value: `http://127.0.0.1:${INGEST_PORT}` }],
    resources: { requests: { cpu: '500m', memory: '512Mi' } },
    securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
  };
  const mlwatch = mlwatchContainer(options.image, form);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { ...selector, 'app.kubernetes.io/component': 'model-server' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...selector, [SCRAPE_LABEL]: 'true' } },
        spec: {
          ...(form === 'native' ? { initContainers: [mlwatch], containers: [modelServer] } : { containers: [modelServer, mlwatch] }),
          volumes: mlwatchVolumes('mlwatch-sidecar-config'),
        },
      },
    },
  };
}

/** The model server's Service, with mlwatch's metrics port for the ServiceMonitor. */
export function modelService(deployment: string): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: deployment, labels: { 'app.kubernetes.io/name': deployment, [SCRAPE_LABEL]: 'true' } },
    spec: {
      selector: { 'app.kubernetes.io/name': deployment },
      ports: [
        { name: 'http', port: 80, targetPort: MODEL_SERVER_PORT, protocol: 'TCP' },
        // A number, not the port's name: the port may belong to a native sidecar (an init container).
        { name: 'metrics', port: METRICS_PORT, targetPort: METRICS_PORT, protocol: 'TCP' },
      ],
    },
  };
}

/** mlwatch alone, receiving KServe's logger CloudEvents from the predictor pods. */
export function receiverDeployment(options: WorkloadOptions): IDeployment {
  const selector = { 'app.kubernetes.io/name': MLWATCH_RECEIVER };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: MLWATCH_RECEIVER, labels: { ...mlwatchLabels('kserve-receiver'), ...selector } },
    spec: {
      // A request and its response must reach the same mlwatch to pair: the Service's ClientIP
      // affinity keeps each predictor pod on one replica (docs/kubernetes.md).
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...selector, [SCRAPE_LABEL]: 'true' } },
        spec: { containers: [mlwatchContainer(options.image, 'none')], volumes: mlwatchVolumes('mlwatch-kserve-config') },
      },
    },
  };
}

export function receiverService(): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: MLWATCH_RECEIVER, labels: { ...mlwatchLabels('kserve-receiver'), [SCRAPE_LABEL]: 'true' } },
    spec: {
      selector: { 'app.kubernetes.io/name': MLWATCH_RECEIVER },
      // Each predictor pod's logger sends a request and its response from the same pod IP.
      sessionAffinity: 'ClientIP',
      ports: [
        { name: 'ingest', port: INGEST_PORT, targetPort: 'ingest', protocol: 'TCP' },
        { name: 'metrics', port: METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
}

// KServe: an InferenceService whose predictor's logger posts every request and response to
// mlwatch, and a NetworkPolicy that lets only InferenceService pods reach mlwatch's ingest
// port (KServe's logger cannot send a bearer token), while Prometheus may scrape metrics.
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { CLOUDEVENTS_PATH } from '../integrations/http.js';
import { INGEST_PORT, METRICS_PORT } from './mlwatch-config.js';
import { mlwatchLabels } from './labels.js';
import { MLWATCH_RECEIVER } from './workloads.js';

/** Every predictor, transformer and explainer pod of an InferenceService carries it (KServe constants.InferenceServicePodLabelKey). */
export const INFERENCE_SERVICE_POD_LABEL = 'serving.kserve.io/inferenceservice';

/** The subset of serving.kserve.io/v1beta1 InferenceService that mlwatch generates (KServe's Go types: LoggerSpec, ModelSpec). */
export interface InferenceService {
  apiVersion: 'serving.kserve.io/v1beta1';
  kind: 'InferenceService';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    predictor: {
      minReplicas?: number;
      logger: { url: string; mode: 'all' | 'request' | 'response' };
      model: { modelFormat: { name: string }; protocolVersion?: 'v1' | 'v2'; storageUri: string };
    };
  };
}

export function inferenceService(name: string, storageUri: string): InferenceService {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name },
    spec: {
      predictor: {
        minReplicas: 1,
        // The Service in the InferenceService's namespace; mode all pairs each request with its response.
        logger: { url: `http://${MLWATCH_RECEIVER}:${INGEST_PORT}${CLOUDEVENTS_PATH}`, mode: 'all' },
        model: { modelFormat: { name: 'sklearn' }, protocolVersion: 'v2', storageUri },
      },
    },
  };
}

export function receiverNetworkPolicy(): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: MLWATCH_RECEIVER, labels: mlwatchLabels('kserve-receiver') },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': MLWATCH_RECEIVER } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchExpressions: [{ key: INFERENCE_SERVICE_POD_LABEL, operator: 'Exists' }] } }],
          ports: [{ port: INGEST_PORT, protocol: 'TCP' }],
        },
        // Metrics from anywhere (Prometheus usually runs in another namespace); narrow it to yours.
        { ports: [{ port: METRICS_PORT, protocol: 'TCP' }] },
      ],
    },
  };
}

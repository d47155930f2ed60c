// What the Prometheus Operator and Grafana pick up: a ServiceMonitor and a PodMonitor (apply
// one of the two: both would scrape every target twice), and the dashboards as ConfigMaps
// for Grafana's dashboard sidecar (kube-prometheus-stack looks for grafana_dashboard: "1").
import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { mlwatchLabels, SCRAPE_LABEL } from './labels.js';

export interface MonitorOptions {
  release: string;
  /** The job label the alert rules match (thresholds.yaml `job`). */
  job: string;
}

const SCRAPE_INTERVAL = '30s';

/** The alert rules hold the job label to thresholds.yaml's `job`; the operator would name it after the Service or the PodMonitor. */
function jobRelabeling(job: string) {
  return [{ action: 'replace' as const, targetLabel: 'job', replacement: job }];
}

export function serviceMonitor(options: MonitorOptions): IServiceMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'mlwatch', labels: { ...mlwatchLabels('monitoring'), release: options.release } },
    spec: {
      selector: { matchLabels: { [SCRAPE_LABEL]: 'true' } },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: SCRAPE_INTERVAL, scrapeTimeout: '10s', relabelings: jobRelabeling(options.job) }],
    },
  };
}

export function podMonitor(options: MonitorOptions): IPodMonitor {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: 'mlwatch', labels: { ...mlwatchLabels('monitoring'), release: options.release } },
    spec: {
      selector: { matchLabels: { [SCRAPE_LABEL]: 'true' } },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: SCRAPE_INTERVAL, scrapeTimeout: '10s', relabelings: jobRelabeling(options.job) }],
    },
  };
}

export interface DashboardFile {
  /** e.g. mlwatch-overview.json */
  file: string;
  text: string;
}

export function dashboardConfigMap(dashboard: DashboardFile): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: dashboard.file.replace(/\.json$/, '-dashboard'),
      labels: { ...mlwatchLabels('dashboards'), grafana_dashboard: '1' },
      // Grafana's sidecar files it in this folder when its folderAnnotation is grafana_folder.
      annotations: { grafana_folder: 'mlwatch' },
    },
    data: { [dashboard.file]: dashboard.text },
  };
}

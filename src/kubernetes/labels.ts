// The labels every object mlwatch generates carries (the recommended app.kubernetes.io set),
// and the label that marks a pod and a Service as one whose mlwatch the monitors scrape.

export const APP_NAME = 'mlwatch';
export const VERSION = '0.1.0';

/** On pods and Services whose mlwatch metrics port the ServiceMonitor / PodMonitor scrape. */
export const SCRAPE_LABEL = 'mlwatch/scrape';

export function mlwatchLabels(component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': APP_NAME,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': APP_NAME,
    'app.kubernetes.io/version': VERSION,
  };
}

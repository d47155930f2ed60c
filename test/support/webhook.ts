// A webhook receiver for Alertmanager notifications, inside the test process: a node:http
// server on 127.0.0.1 that records every POSTed notification with the path it came to
// (the shipped config gives each receiver its own path), and waits for one to arrive.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One alert inside a notification (Alertmanager webhook payload, version 4). */
export interface NotifiedAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** The body Alertmanager POSTs to a webhook. */
export interface WebhookMessage {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: NotifiedAlert[];
}

export interface Notification {
  /** The request path, e.g. /alerts/data-science-page */
  path: string;
  /** Date.now() when it arrived. */
  receivedAt: number;
  message: WebhookMessage;
}

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every notification so far, oldest first. */
  notifications: Notification[];
  /** Every alert of every notification so far, with the notification it came in. */
  alerts(): { alert: NotifiedAlert; notification: Notification }[];
  /** Resolves with the first notification (already received or to come) that satisfies `predicate`. */
  waitFor(predicate: (notification: Notification) => boolean, timeoutMs?: number, what?: string): Promise<Notification>;
  close(): Promise<void>;
}

interface Waiter {
  predicate: (notification: Notification) => boolean;
  resolve: (notification: Notification) => void;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const notifications: Notification[] = [];
  const waiters = new Set<Waiter>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      let message: WebhookMessage;
      try {
        message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookMessage;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const notification: Notification = { path: req.url ?? '/', receivedAt: Date.now(), message };
      notifications.push(notification);
      res.writeHead(200).end();
      for (const waiter of waiters) {
        if (waiter.predicate(notification)) {
          waiters.delete(waiter);
          waiter.resolve(notification);
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    alerts: () => notifications.flatMap((notification) => notification.message.alerts.map((alert) => ({ alert, notification }))),
    waitFor(predicate, timeoutMs = 20_000, what = 'a matching notification') {
      const found = notifications.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (notification) => {
            clearTimeout(timer);
            resolve(notification);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = notifications.map((n) => ({
            path: n.path,
            status: n.message.status,
            alerts: n.message.alerts.map((a) => `${a.labels.alertname}{${a.labels.model ?? ''},${a.labels.feature ?? ''}} ${a.status}`),
          }));
          reject(new Error(`webhook: timed out after ${timeoutMs} ms waiting for ${what}; received: ${JSON.stringify(seen)}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A predicate: the notification holds an alert with `status` whose labels include `labels`. */
export function hasAlert(labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing'): (n: Notification) => boolean {
  return (n) => n.message.alerts.some((a) => a.status === status && Object.entries(labels).every(([k, v]) => a.labels[k] === v));
}

// Binding and draining the two listeners. A bind failure names the listener, the address,
// and the flag and config key that set it, in one line (EADDRINUSE, EACCES, EADDRNOTAVAIL).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from '../config/types.js';

export type ListenerName = 'ingest' | 'metrics';

const WHERE_SET: Record<ListenerName, string> = {
  ingest: '--ingest-listen HOST:PORT or ingest.listen in the config',
  metrics: '--metrics-listen HOST:PORT or metrics.listen in the config',
};

const WHY: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (EADDRINUSE): another process listens there',
  EACCES: 'permission denied (EACCES): ports below 1024 need privileges',
  EADDRNOTAVAIL: 'no interface of this machine has that address (EADDRNOTAVAIL)',
};

/** A listener that could not bind; `code` is the system error's (EADDRINUSE...). */
export class ListenError extends Error {
  constructor(
    readonly listener: ListenerName,
    readonly address: ListenAddress,
    readonly code: string,
    cause: Error,
  ) {
    const host = address.host.includes(':') ? `[${address.host}]` : address.host;
    super(
      `mlwatch cannot listen: the ${listener} listener cannot bind ${host}:${address.port}: ` +
        `${WHY[code] ?? `${cause.message} (${code})`}; choose another address with ${WHERE_SET[listener]}`,
      { cause },
    );
    this.name = 'ListenError';
  }
}

/** Bind; resolves with the HOST:PORT this host's clients reach it at. */
export function listen(server: Server, address: ListenAddress, listener: ListenerName): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => reject(new ListenError(listener, address, error.code ?? 'unknown', error));
    server.once('error', fail);
    server.listen(address.port, address.host, () => {
      server.removeListener('error', fail);
      const bound = server.address() as AddressInfo;
      // A wildcard bind is reached on loopback; the URL is for this host's clients.
      const host = bound.address === '0.0.0.0' ? '127.0.0.1' : bound.address === '::' ? '::1' : bound.address;
      resolve(`${bound.family === 'IPv6' ? `[${host}]` : host}:${bound.port}`);
    });
  });
}

const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Stop accepting, let in-flight requests finish, and close keep-alive connections as
 * they go idle; after DRAIN_TIMEOUT_MS whatever is left is cut.
 */
export function drain(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}

// The ingest listener's HTTP server: the handler, plus everything Node's HTTP layer decides
// before a request reaches it — header and request timeouts, the connection cap, requests its
// parser refuses, CONNECT — each answered in JSON where an answer is possible, and counted.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Fleet } from '../monitor/fleet.js';
import type { RejectReason } from '../monitor/rejections.js';
import { answerSocket } from './answer.js';
import { ingestAuthFrom } from './auth.js';
import { createIngestHandler } from './handler.js';
import type { Route } from './router.js';
import { NO_MODEL } from './service.js';

/** How often Node checks the header and request timeouts (its default, 30 s, would let a timeout run 30 s late). */
const TIMEOUT_CHECK_MS = 1000;

export interface IngestServerOptions {
  /** Endpoints beyond the built-in ones (e.g. a model-server integration). */
  routes?: readonly Route[];
  /**
   * The serving core of the moment (a reload swaps it): each request goes to its handler,
   * and what the server itself refuses is counted in its fleet. Absent: one fixed handler.
   */
  current?: () => { fleet: Fleet; handler: RequestListener };
}

/**
 * The ingest server, not yet listening. Throws a ConfigError when the bearer token the config
 * asks for is missing (it never starts open by mistake).
 */
export function createIngestServer(fleet: Fleet, config: Config, log: Logger, options: IngestServerOptions = {}): Server {
  const ingest = config.ingest;
  const current = options.current;
  const handler: RequestListener =
    current !== undefined
      ? (req, res) => current().handler(req, res)
      : createIngestHandler(fleet, ingest, log, {
          auth: ingestAuthFrom(config),
          logFeatureValues: config.logging.log_feature_values,
          ...(options.routes === undefined ? {} : { routes: options.routes }),
        });
  const server = createServer(
    {
      headersTimeout: ingest.headers_timeout_seconds * 1000,
      requestTimeout: ingest.request_timeout_seconds * 1000,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
      // Serve a request that asks to upgrade (WebSocket, h2c) as plain HTTP/1.1, as RFC 9110 allows.
      shouldUpgradeCallback: () => false,
    } as Parameters<typeof createServer>[0],
    handler,
  );
  server.maxConnections = ingest.max_connections;
  const count = (reason: RejectReason): void => (current?.().fleet ?? fleet).rejections.add(NO_MODEL, reason);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, count));
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    // Node hands the socket over without its error listener: a client reset must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    count('method_not_allowed');
    answerSocket(socket, 405, { error: 'method_not_allowed', message: 'CONNECT is not supported: mlwatch is not a proxy; POST events' }, { allow: 'POST' });
  });
  // Node closes a connection beyond maxConnections before any byte is read: no answer is possible.
  server.on('drop', () => count('too_many_connections'));
  return server;
}

/** What Node's parser (or its timeouts) refused, as Node's own default would, but in JSON and counted. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, count: (reason: RejectReason) => void): void {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] = describeClientError(error);
  count(reason);
  // A response half written on this socket cannot be followed by another; one that has ended
  // (the previous request of a keep-alive connection, not yet detached) is queued before ours.
  const pending = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (pending?.headersSent && !pending.writableEnded) {
    socket.destroy();
    return;
  }
  answerSocket(socket, status, { error: reason, message });
}

function describeClientError(error: NodeJS.ErrnoException): [number, RejectReason, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'headers_too_large', 'request line and headers are larger than the server accepts (16 KiB)'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request_timeout', 'the request was not received in time (ingest.headers_timeout_seconds, ingest.request_timeout_seconds)'];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'bad_request', 'chunk extensions are too large'];
    default:
      return [400, 'bad_request', `malformed HTTP request${error.code ? ` (${error.code})` : ''}`];
  }
}

// The metrics listener's server: plain HTTP or, with a web config, TLS (optionally with
// client certificates) and basic auth; `X-Content-Type-Options: nosniff` and the web
// config's headers on every answer; timeouts that free what a stalled client holds.
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../log.js';
import { BasicAuth } from './basic-auth.js';
import type { WebConfig, WebTls } from './config.js';

/** Scrapers are few; a connection flood must not exhaust descriptors. */
const MAX_CONNECTIONS = 64;
/** The whole request head must arrive within this (a client that sends nothing included). */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** Longer than a 1 m scrape interval, so Prometheus keeps its connection between scrapes. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** A socket with no traffic at all this long (e.g. a client that stops reading the answer) is closed. */
const SOCKET_IDLE_TIMEOUT_MS = 70_000;
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/** How often Node checks the header and request timeouts. */
const TIMEOUT_CHECK_MS = 1_000;
/** Probes need no credentials and learn nothing but up/ready. */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

export async function createMetricsServer(app: RequestListener, web: WebConfig | undefined, log: Logger): Promise<Server> {
  const auth = web ? await BasicAuth.create(web.users) : null;
  const headers = { 'X-Content-Type-Options': 'nosniff', ...(web?.headers ?? {}) };
  const spoke = new WeakSet<Socket>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    spoke.add(req.socket);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    const path = (req.url ?? '/').split('?')[0];
    if (auth === null || OPEN_PATHS.has(path)) {
      app(req, res);
      return;
    }
    auth.check(req.headers.authorization).then(
      (verdict) => {
        if (verdict === 'ok') return app(req, res);
        if (verdict === 'busy') {
          res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '1' }).end('too many pending authentications\n');
          return;
        }
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="mlwatch"' }).end('Unauthorized\n');
      },
      (error: unknown) => {
        log.error({ err: error }, 'basic auth failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('authentication failed; see the mlwatch log\n');
      },
    );
  };
  const options = {
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
  };
  const server = web?.tls
    ? (createHttpsServer({ ...options, ...tlsOptions(web.tls) }, handler) as unknown as Server)
    : createHttpServer(options, handler);
  if (web?.tls) enforceClientCertificate(server, web.tls.clientAuth, log);
  cutSilentConnections(server, web?.tls !== undefined, spoke);
  server.maxConnections = MAX_CONNECTIONS;
  server.setTimeout(SOCKET_IDLE_TIMEOUT_MS, (socket) => socket.destroy());
  return server;
}

function tlsOptions(tls: WebTls) {
  const request = tls.clientAuth !== 'NoClientCert';
  return {
    cert: tls.cert,
    key: tls.key,
    ...(tls.clientCa === undefined ? {} : { ca: tls.clientCa }),
    requestCert: request,
    rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
  };
}

/**
 * The client_auth_type policies Node's options cannot say: a certificate required but not
 * verified (RequireAnyClientCert), or verified only when given (VerifyClientCertIfGiven).
 */
function enforceClientCertificate(server: Server, policy: WebTls['clientAuth'], log: Logger): void {
  if (policy !== 'RequireAnyClientCert' && policy !== 'VerifyClientCertIfGiven') return;
  server.on('secureConnection', (socket: TLSSocket) => {
    const given = Object.keys(socket.getPeerCertificate()).length > 0;
    if ((policy === 'RequireAnyClientCert' && !given) || (policy === 'VerifyClientCertIfGiven' && given && !socket.authorized)) {
      log.warn({ policy, reason: given ? String(socket.authorizationError) : 'no client certificate' }, 'TLS client refused');
      socket.destroy();
    }
  });
}

/**
 * Node's header timeout starts with a request's first byte: a connection that never sends
 * one would stay until the idle timeout. Cut it after HEADERS_TIMEOUT_MS (for TLS, counted
 * from the end of the handshake, which has its own timeout).
 */
function cutSilentConnections(server: Server, tls: boolean, spoke: WeakSet<Socket>): void {
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    const timer = setTimeout(() => {
      if (!spoke.has(socket)) socket.destroy();
    }, HEADERS_TIMEOUT_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

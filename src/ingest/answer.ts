// How the ingest listener answers: JSON with a Content-Length, never sniffed as anything else.
// Also the raw form, for sockets Node's HTTP layer has given up on (parser errors, timeouts,
// CONNECT), where no ServerResponse exists to write with.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export const NOSNIFF = 'nosniff';

/** The body of every refusal: a stable reason code and a sentence for people. */
export interface Refusal {
  error: string;
  message: string;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': NOSNIFF,
  });
  res.end(text);
}

/** Write a complete HTTP/1.1 JSON answer straight to a socket, then close it. */
export function answerSocket(socket: Duplex, status: number, refusal: Refusal, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(refusal);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(text)}`,
    `x-content-type-options: ${NOSNIFF}`,
    'connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}

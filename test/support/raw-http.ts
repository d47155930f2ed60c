// HTTP/1.1 over a raw socket, for tests that send what fetch never would (malformed request
// lines, lying lengths, chunked abuse, half a body) and must see exactly what comes back:
// one request at a time on a keep-alive connection, each response parsed whole (status,
// headers, body by Content-Length or chunked), or the close that ended it.
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What one request got: a response, or the connection closed (or stalled) without one. */
export type RawOutcome = { kind: 'response'; response: RawResponse } | { kind: 'closed' } | { kind: 'timeout' };

export class RawConnection {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private closed = false;
  private waiter: (() => void) | null = null;
  private readonly connected: Promise<void>;

  constructor(port: number, host = '127.0.0.1') {
    this.socket = connect(port, host);
    // A connection refused or reset before it was up is an outcome ('closed'), not an error.
    this.connected = new Promise((resolve) => {
      this.socket.once('connect', resolve);
      this.socket.once('close', resolve);
    });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.waiter?.();
    });
    const onEnd = (): void => {
      this.closed = true;
      this.waiter?.();
    };
    this.socket.on('end', onEnd);
    this.socket.on('close', onEnd);
    this.socket.on('error', onEnd);
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /**
   * Write the pieces (awaiting each write) and wait for one response. `endAfter`: half-close
   * our side once written (a client that sends no more).
   */
  async exchange(pieces: readonly Buffer[], options: { timeoutMs?: number; endAfter?: boolean; pauseMs?: number } = {}): Promise<RawOutcome> {
    await this.connected;
    for (const piece of pieces) {
      if (this.closed) break;
      await new Promise<void>((resolve) => this.socket.write(piece, () => resolve()));
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
    if (options.endAfter && !this.closed) this.socket.end();
    return this.nextResponse(options.timeoutMs ?? 10_000);
  }

  /** Wait for one more response (a pipelined request's). */
  next(timeoutMs = 10_000): Promise<RawOutcome> {
    return this.nextResponse(timeoutMs);
  }

  /** Close without lingering: a reset, so no TIME_WAIT piles up on the client side. */
  destroy(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  private async nextResponse(timeoutMs: number): Promise<RawOutcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.buffered, this.closed);
      if (parsed !== null) {
        this.buffered = this.buffered.subarray(parsed.consumed);
        return { kind: 'response', response: parsed.response };
      }
      if (this.closed) return { kind: 'closed' };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = null;
          resolve();
        };
      });
    }
  }
}

/** One complete response at the start of `bytes`, or null if it is not all there yet. */
export function parseResponse(bytes: Buffer, closed: boolean): { response: RawResponse; consumed: number } | null {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const lines = bytes.toString('latin1', 0, headEnd).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!status) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0])}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const start = headEnd + 4;
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (bytes.length < start + length) return null;
    return { response: { status: Number(status[1]), headers, body: bytes.subarray(start, start + length) }, consumed: start + length };
  }
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const chunks: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = bytes.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(bytes.toString('latin1', at, lineEnd), 16);
      if (bytes.length < lineEnd + 2 + size + 2) return null;
      if (size === 0) return { response: { status: Number(status[1]), headers, body: Buffer.concat(chunks) }, consumed: lineEnd + 4 };
      chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  // Neither: the body runs to the close.
  if (!closed) return null;
  return { response: { status: Number(status[1]), headers, body: bytes.subarray(start) }, consumed: bytes.length };
}

/** A request's bytes: request line, headers (Host added), body with a Content-Length unless told otherwise. */
export function httpRequest(
  method: string,
  path: string,
  body: Buffer | string = '',
  headers: Record<string, string> = {},
  options: { contentLength?: boolean } = {},
): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (options.contentLength ?? true) lines.push(`content-length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

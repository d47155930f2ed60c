// Read a request body into one Buffer, within the byte limit and the shared budget. A gzip
// body (Content-Encoding: gzip) is inflated as it streams in, and the limit and the budget
// apply to the inflated bytes, so a small zip bomb stops at max_body_bytes like any body.
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { BodyBudget } from './body-budget.js';

export type BodyEncoding = 'identity' | 'gzip';

export type BodyResult =
  | {
      ok: true;
      body: Buffer;
      /** Give the body's bytes back to the budget: call once the request is answered. */
      release(): void;
    }
  | { ok: false; reason: 'too_large' | 'overloaded' | 'invalid_gzip' | 'aborted' };

export interface BodyReadLimits {
  /** Largest body, after inflating (ingest.max_body_bytes). */
  maxBytes: number;
  budget: BodyBudget;
}

/**
 * Content-Encoding → how to read the body, or null when it is not supported. Absent, empty and
 * "identity" are plain; "gzip" (or its old alias "x-gzip") is inflated; anything else — br,
 * deflate, zstd, or gzip twice — is not.
 */
export function bodyEncodingOf(header: string | undefined): BodyEncoding | null {
  if (header === undefined || header === '' || header === 'identity') return 'identity';
  if (header === 'gzip') return 'gzip';
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return 'identity';
  return codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip') ? 'gzip' : null;
}

/** A body at least this large is not copied in one go: that alone blocked the loop 20–30 ms at 10 MiB. */
const LARGE_BODY_BYTES = 64 * 1024;
/** Bytes copied between two yields when joining a large body's chunks. */
const COPY_SLICE_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage, limits: BodyReadLimits, encoding: BodyEncoding = 'identity'): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  // The declared length is the compressed one for gzip: only the inflated bytes are judged.
  if (encoding === 'identity' && declared > limits.maxBytes) return Promise.resolve({ ok: false, reason: 'too_large' });
  return new Promise((resolve) => {
    const { budget, maxBytes } = limits;
    // Chunks are kept as they come (nothing is allocated for bytes that were only declared).
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const source = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      source.removeListener('data', onData);
      if (!result.ok) {
        budget.release(size);
        chunks.length = 0;
        // Stop buffering; the caller answers (413, 503, 400) and closes the connection.
        if (source !== req) source.destroy();
        req.pause();
      }
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > maxBytes) return finish({ ok: false, reason: 'too_large' });
      if (!budget.tryReserve(chunk.length)) return finish({ ok: false, reason: 'overloaded' });
      chunks.push(chunk);
      size += chunk.length;
    };
    source.on('data', onData);
    source.on('end', () => {
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        budget.release(size);
      };
      const ok = (body: Buffer): void => finish({ ok: true, body, release });
      if (chunks.length === 1) ok(chunks[0]);
      else if (size <= LARGE_BODY_BYTES) ok(Buffer.concat(chunks, size));
      else joinInSlices(chunks, size).then(ok, () => finish({ ok: false, reason: 'aborted' }));
    });
    if (source !== req) source.on('error', () => finish({ ok: false, reason: 'invalid_gzip' }));
    req.on('error', () => finish({ ok: false, reason: 'aborted' }));
    req.on('close', () => {
      // 'close' also follows a complete body; only a body cut short is an abort.
      if (!req.complete) finish({ ok: false, reason: 'aborted' });
    });
  });
}

/** Buffer.concat, yielding to the event loop every COPY_SLICE_BYTES. */
async function joinInSlices(chunks: readonly Buffer[], size: number): Promise<Buffer> {
  const body = Buffer.allocUnsafeSlow(size);
  let at = 0;
  let sliceEnd = COPY_SLICE_BYTES;
  for (const chunk of chunks) {
    at += chunk.copy(body, at);
    if (at >= sliceEnd) {
      sliceEnd += COPY_SLICE_BYTES;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return body;
}

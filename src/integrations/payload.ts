// A request or response body (KServe v1 or Open Inference Protocol v2) → rows or outputs.
// The protocol is told by the body's own key: "instances"/"predictions" (v1), "inputs"/"outputs" (v2).
import { isUtf8 } from 'node:buffer';
import { parseJsonTolerant } from '../ingest/tolerant-json.js';
import { isObject, refused, type Mapped } from './problems.js';
import type { PayloadMapping } from './mapping.js';
import { v1RequestRows, v1ResponseOutputs } from './v1.js';
import { v2RequestRows, v2ResponseOutputs, type RequestRows, type ResponseOutputs } from './v2.js';

export type MediaKind = 'json' | 'binary' | 'unsupported';

/**
 * KServe's logger sends the model request's own Content-Type with both events. JSON is read;
 * application/octet-stream is a binary tensor body (the OIP binary data extension), never
 * guessed at; form-urlencoded and text/plain are what `curl -d` sends with a JSON body, so they
 * are read as JSON (and refused as invalid_json when they are not).
 */
export function mediaKind(contentType: string | undefined): MediaKind {
  if (contentType === undefined || contentType.trim() === '') return 'json';
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  if (type === 'application/x-www-form-urlencoded' || type === 'text/plain') return 'json';
  if (type === 'application/octet-stream') return 'binary';
  return 'unsupported';
}

/**
 * The one JSON document of a body (Python's bare NaN/Infinity accepted, as on the predictions
 * endpoint). The seam onto ingest's bounded parser: swap this for parse-with-limits.
 */
export function parseJsonDocument(body: Buffer): Mapped<unknown> {
  if (!isUtf8(body)) return refused('invalid_json', 'body is not valid UTF-8');
  try {
    return { ok: true, value: parseJsonTolerant(body.toString('utf8')) };
  } catch {
    return refused('invalid_json', 'body is not valid JSON');
  }
}

export function requestRows(body: unknown, mapping: PayloadMapping): Mapped<RequestRows> {
  if (isObject(body)) {
    if (body.instances !== undefined) return v1RequestRows(body, mapping);
    if (body.inputs !== undefined) return v2RequestRows(body, mapping);
  }
  return refused('invalid_payload', 'an inference request holds "instances" (KServe v1) or "inputs" (Open Inference Protocol v2)');
}

export function responseOutputs(body: unknown, mapping: PayloadMapping): Mapped<ResponseOutputs> {
  if (isObject(body)) {
    if (body.predictions !== undefined) return v1ResponseOutputs(body, mapping);
    if (body.outputs !== undefined) return v2ResponseOutputs(body, mapping);
  }
  return refused('invalid_payload', 'an inference response holds "predictions" (KServe v1) or "outputs" (Open Inference Protocol v2)');
}

// A KServe inference-logger CloudEvent in binary content mode: its context attributes come as
// ce-* headers and the body is the raw inference request or response. What the logger sends
// (kserve pkg/logger/worker.go): ce-specversion 1.0, ce-id (shared by a request and its
// response), ce-type org.kubeflow.serving.inference.request|response, ce-source, ce-time (set
// when the logger sends the event), and the extensions ce-inferenceservicename, ce-namespace,
// ce-component, ce-endpoint ("default", "canary" or empty) and ce-metadata.
import type { IncomingHttpHeaders } from 'node:http';

export const REQUEST_TYPE = 'org.kubeflow.serving.inference.request';
export const RESPONSE_TYPE = 'org.kubeflow.serving.inference.response';

export type InferenceSide = 'request' | 'response';

export interface InferenceCloudEvent {
  id: string;
  side: InferenceSide;
  /** The InferenceService that logged it (the extension `inferenceservicename`), or '' when absent. */
  inferenceService: string;
  namespace: string;
  /** predictor, transformer or explainer. */
  component: string;
  /** default or canary; '' when the InferenceService has no canary. */
  endpoint: string;
  /** ce-time, Unix milliseconds; undefined when absent or not an RFC 3339 time. */
  timeMs: number | undefined;
  /** ce-time as sent (RFC 3339), for the event's timestamp. */
  time: string | undefined;
}

export type ParsedCloudEvent = { ok: true; event: InferenceCloudEvent } | { ok: false; message: string };

const MAX_ID_LENGTH = 256;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The CloudEvent's attributes from its headers, or what is wrong with them (never quoting a value). */
export function parseCloudEventHeaders(headers: IncomingHttpHeaders): ParsedCloudEvent {
  const specversion = header(headers, 'ce-specversion');
  if (specversion === undefined) return failure('ce-specversion header missing: send CloudEvents in binary content mode, as KServe\'s logger does');
  if (specversion !== '1.0') return failure('ce-specversion must be 1.0');
  const type = header(headers, 'ce-type');
  const side = type === REQUEST_TYPE ? 'request' : type === RESPONSE_TYPE ? 'response' : null;
  if (side === null) return failure(`ce-type must be ${REQUEST_TYPE} or ${RESPONSE_TYPE}`);
  const id = header(headers, 'ce-id');
  if (id === undefined || id === '') return failure('ce-id header missing or empty');
  if (id.length > MAX_ID_LENGTH) return failure(`ce-id is longer than ${MAX_ID_LENGTH} characters`);
  const time = header(headers, 'ce-time');
  const parsedTime = time === undefined ? Number.NaN : rfc3339Ms(time);
  return {
    ok: true,
    event: {
      id,
      side,
      inferenceService: header(headers, 'ce-inferenceservicename') ?? '',
      namespace: header(headers, 'ce-namespace') ?? '',
      component: header(headers, 'ce-component') ?? '',
      endpoint: header(headers, 'ce-endpoint') ?? '',
      timeMs: Number.isFinite(parsedTime) ? parsedTime : undefined,
      time: Number.isFinite(parsedTime) ? time : undefined,
    },
  };
}

/** RFC 3339 → Unix ms with the fraction kept below the millisecond (Go writes nanoseconds). */
export function rfc3339Ms(text: string): number {
  const match = RFC3339.exec(text);
  if (match === null) return Number.NaN;
  const fraction = match[1] ?? '';
  const whole = Date.parse(fraction === '' ? text : text.replace(fraction, ''));
  return whole + (fraction === '' ? 0 : Number(fraction) * 1000);
}

/**
 * A header's value, percent-decoded: the CloudEvents HTTP binding (1.0.2, 3.1.3.2) has senders
 * percent-encode spaces, quotes, '%' and non-ASCII in ce-* values. A malformed escape is kept as sent.
 */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const raw = headers[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function failure(message: string): ParsedCloudEvent {
  return { ok: false, message };
}

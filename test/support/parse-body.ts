// A body's events collected at once through visitBody, for tests that compare whole results.
import { visitBody, type BodyFailure, type EventError } from '../../src/ingest/body.js';
import type { BodyFormat } from '../../src/ingest/content-type.js';

export type ParsedBody =
  | {
      ok: true;
      events: unknown[];
      /** The request index of each event; null when events[i] is request index i. */
      indexes: number[] | null;
      /** Events that did not parse (NDJSON lines); they are not in `events`. */
      errors: EventError[];
    }
  | BodyFailure;

export function parseBody(body: Buffer, format: BodyFormat, maxEvents: number): ParsedBody {
  const events: unknown[] = [];
  const errors: EventError[] = [];
  let indexes: number[] | null = null;
  const visited = visitBody(body, format, maxEvents, {
    event(value, index) {
      if (indexes !== null) indexes.push(index);
      else if (index !== events.length) indexes = [...events.keys(), index];
      events.push(value);
    },
    error(index, line, message) {
      errors.push({ index, message });
      if (indexes === null) indexes = [...events.keys()];
    },
  });
  return visited.ok ? { ok: true, events, indexes, errors } : visited;
}

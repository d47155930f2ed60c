// The reference checksum: sha256 over canonical JSON (object keys sorted at every level,
// no whitespace), so it depends on the content only, not on how the file is laid out.
import { createHash } from 'node:crypto';
import type { Reference } from './types.js';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex) of the canonical JSON of the reference without its `checksum` field. */
export function referenceChecksum(reference: Omit<Reference, 'checksum'> | Reference): string {
  const body: Record<string, unknown> = { ...reference };
  delete body.checksum;
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

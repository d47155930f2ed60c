// Reading and writing reference files. A file is loaded only if it is a reference of a
// version this mlwatch reads (1, without within-bin offsets, atoms or noise levels, or 2),
// within the size limits, structurally sound and unmodified since it was built (its
// checksum); anything else is a ReferenceLoadError that says what to do.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { referenceChecksum } from './checksum.js';
import { referenceLimitProblems } from './limits.js';
import { isReference, referenceProblems } from './structure.js';
import { READABLE_REFERENCE_FORMAT_VERSIONS, REFERENCE_FORMAT, REFERENCE_FORMAT_VERSION, type Reference } from './types.js';

export { referenceChecksum } from './checksum.js';

export class ReferenceLoadError extends Error {
  /** One line per problem (the message joins them); most errors are a single problem. */
  readonly problems: string[];

  constructor(messageOrProblems: string | string[]) {
    const problems = typeof messageOrProblems === 'string' ? [messageOrProblems] : messageOrProblems;
    super(problems.join('\n'));
    this.name = 'ReferenceLoadError';
    this.problems = problems;
  }
}

const REBUILD = 'rebuild it with "mlwatch reference build --config FILE --model NAME --data FILE --out FILE"';

export async function loadReference(path: string): Promise<Reference> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ReferenceLoadError(`reference file ${path} does not exist; build it with "mlwatch reference build" (--out ${path})`);
    throw new ReferenceLoadError(`cannot read reference file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new ReferenceLoadError(`reference file ${path} is not valid JSON (truncated or damaged?); ${REBUILD}`);
  }
  checkFormat(path, parsed);
  const tooLarge = referenceLimitProblems(parsed);
  if (tooLarge.length > 0) throw new ReferenceLoadError(tooLarge.map((p) => `reference file ${path}: ${p}`));
  const problems = referenceProblems(parsed);
  if (problems.length > 0 || !isReference(parsed)) {
    throw new ReferenceLoadError(`reference file ${path} is malformed: ${problems.join('; ')}; ${REBUILD}`);
  }
  const actual = referenceChecksum(parsed);
  if (actual !== parsed.checksum) {
    throw new ReferenceLoadError(
      `reference file ${path} does not match its checksum (it records ${parsed.checksum.slice(0, 12)}…, its content hashes to ${actual.slice(0, 12)}…): it was edited or damaged after it was built; ${REBUILD}`,
    );
  }
  return parsed;
}

function checkFormat(path: string, parsed: unknown): void {
  const record = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  if (record === null || record.format !== REFERENCE_FORMAT) {
    throw new ReferenceLoadError(`${path} is not an mlwatch reference (expected "format": "${REFERENCE_FORMAT}"); build one with "mlwatch reference build"`);
  }
  const version = record.format_version;
  if (typeof version !== 'number' || !READABLE_REFERENCE_FORMAT_VERSIONS.includes(version)) {
    const newer = typeof version === 'number' && version > REFERENCE_FORMAT_VERSION;
    throw new ReferenceLoadError(
      `reference file ${path} has format_version ${JSON.stringify(version)}, but this mlwatch reads versions ${READABLE_REFERENCE_FORMAT_VERSIONS.join(' and ')}; ` +
        (newer ? `upgrade mlwatch, or ${REBUILD} using this one` : REBUILD),
    );
  }
}

/**
 * Adds the checksum and writes the reference as 2-space JSON (with small flat objects such
 * as centroids and categories on one line each, so the file stays short), atomically: to a temporary
 * file in the same folder, flushed to disk, then renamed over `path`, so a reader never
 * sees half a file. Creates the folder if needed.
 */
export async function writeReference(path: string, reference: Omit<Reference, 'checksum'>): Promise<Reference> {
  const complete: Reference = { ...reference, checksum: referenceChecksum(reference) };
  const text = `${diffableJson(complete, '')}\n`;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return complete;
}

/** 2-space JSON, except that an object holding only scalars is written on one line. */
function diffableJson(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + diffableJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  if (entries.every(([, item]) => item === null || typeof item !== 'object')) {
    return `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${JSON.stringify(item)}`).join(', ')} }`;
  }
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${diffableJson(item, inner)}`).join(',\n')}\n${indent}}`;
}

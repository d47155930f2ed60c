import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReference } from '../../src/reference/build.js';
import { canonicalJson } from '../../src/reference/checksum.js';
import { ReferenceLoadError, loadReference, referenceChecksum, writeReference } from '../../src/reference/io.js';
import type { Reference } from '../../src/reference/types.js';
import { FIXTURES, makeModel, withTempDir } from './helpers.js';


let built: Omit<Reference, 'checksum'>;

beforeAll(async () => {
  const model = makeModel({
    features: [
      { name: 'amount', type: 'numeric' },
      { name: 'city', type: 'categorical' },
      { name: 'member', type: 'boolean' },
    ],
    predictionColumn: 'score',
  });
  built = await buildReference({ model, dataPath: join(FIXTURES, 'awkward.csv'), now: new Date('2026-11-20T10:00:00Z') });
});

/** Writes a valid reference, lets `edit` change its JSON text or parsed object, and loads it back. */
async function loadEdited(edit: (text: string) => string): Promise<unknown> {
  return withTempDir(async (dir) => {
    const path = join(dir, 'reference.json');
    await writeReference(path, built);
    await writeFile(path, edit(await readFile(path, 'utf8')));
    try {
      return await loadReference(path);
    } catch (error) {
      return error;
    }
  });
}

/** Edits the parsed object, then (optionally) re-seals it with a matching checksum. */
function editObject(change: (reference: Record<string, unknown> & Reference) => void, reseal: boolean): (text: string) => string {
  return (text) => {
    const reference = JSON.parse(text) as Record<string, unknown> & Reference;
    change(reference);
    if (reseal) reference.checksum = referenceChecksum(reference);
    return JSON.stringify(reference, null, 2);
  };
}

function expectLoadError(result: unknown, pattern: RegExp): void {
  expect(result).toBeInstanceOf(ReferenceLoadError);
  const message = (result as Error).message;
  expect(message).toMatch(pattern);
  expect(message).toContain('reference.json');
}

describe('writeReference and loadReference', () => {
  it('round-trip: the loaded reference equals the written one, checksum included', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'nested', 'reference.json');
      const written = await writeReference(path, built);
      expect(written.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(await loadReference(path)).toEqual(written);
      expect(await readdir(join(dir, 'nested'))).toEqual(['reference.json']); // no temporary file left behind
      const text = await readFile(path, 'utf8');
      expect(text).toMatch(/^\{\n {2}"format": "mlwatch-reference",\n/);
      expect(text).toContain('\n        { "mean": 10, "n": 1 },\n'); // a centroid per line keeps the file short
    });
  });

  it('the checksum ignores key order and the checksum field itself', () => {
    const reordered = JSON.parse(canonicalJson(built)) as Omit<Reference, 'checksum'>;
    expect(referenceChecksum(reordered)).toBe(referenceChecksum(built));
    expect(referenceChecksum({ ...built, checksum: 'x'.repeat(64) })).toBe(referenceChecksum(built));
    expect(referenceChecksum({ ...built, rows: built.rows + 1 })).not.toBe(referenceChecksum(built));
  });

  it('rejects a file changed after it was built (checksum)', async () => {
    const result = await loadEdited(editObject((r) => (r.created_at = '2020-01-01T00:00:00.000Z'), false));
    expectLoadError(result, /does not match its checksum .*edited or damaged after it was built; rebuild it with "mlwatch reference build/);
  });

  it('rejects another format version, saying what to do', async () => {
    expectLoadError(await loadEdited(editObject((r) => (r.format_version = 3), true)), /format_version 3, but this mlwatch reads versions 1 and 2; upgrade mlwatch, or rebuild/);
    expectLoadError(await loadEdited(editObject((r) => (r.format_version = 0), true)), /format_version 0, but this mlwatch reads versions 1 and 2; rebuild it/);
  });

  it('rejects a truncated file', async () => {
    expectLoadError(await loadEdited((text) => text.slice(0, text.length / 2)), /is not valid JSON \(truncated or damaged\?\); rebuild it/);
  });

  it('rejects edges that are not strictly increasing, naming the place', async () => {
    const result = await loadEdited(
      editObject((r) => {
        const amount = r.features.amount;
        if (amount.kind === 'numeric') amount.edges = [10, 20, 20];
      }, true),
    );
    expectLoadError(result, /features\.amount\.edges\[2\]: edges must be strictly increasing \(20 follows 20\)/);
  });

  it('rejects counts that do not fit the edges or do not add up, and fine edges missing a coarse edge', async () => {
    const result = await loadEdited(
      editObject((r) => {
        const amount = r.features.amount;
        if (amount.kind !== 'numeric') return;
        amount.counts = [1, 1];
        amount.fine_edges = [10, 50];
        amount.fine_counts = [1, 1, 1];
      }, true),
    );
    expectLoadError(result, /features\.amount\.counts: expected 4 counts \(one more than edges\), found 2/);
    expectLoadError(result, /features\.amount\.counts: add up to 2, not summary\.count \(3\)/);
    expectLoadError(result, /features\.amount\.fine_edges: must contain every coarse edge \(20 is missing\)/);
  });

  it('rejects wrong field types and inconsistent category sums', async () => {
    const result = await loadEdited(
      editObject((r) => {
        r.rows = -1;
        const city = r.features.city;
        if (city.kind === 'categorical') city.other_count = 5;
        (r.prediction as unknown as Record<string, unknown>).kind = 'histogram';
      }, true),
    );
    expectLoadError(result, /rows: expected a non-negative whole number/);
    expectLoadError(result, /features\.city\.other_count: categories \(5\) plus other_count \(5\) must add up to count \(5\)/);
    expectLoadError(result, /prediction\.kind: expected "numeric" or "categorical"/);
  });

  it('rejects a file that is not a reference, and a missing one', async () => {
    expectLoadError(await loadEdited(() => '{"hello": "world"}'), /is not an mlwatch reference/);
    await withTempDir(async (dir) => {
      await expect(loadReference(join(dir, 'reference.json'))).rejects.toThrow(/reference file .*reference\.json does not exist; build it with "mlwatch reference build"/);
    });
  });
});

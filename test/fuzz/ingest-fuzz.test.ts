// The bounded fuzz run of the suite (20k requests); `npm run fuzz` runs 100k+ (FUZZ_CASES).
// No crash, no stall, every answer JSON with a reason (or a documented close), and every
// valid event of a mixed batch counted exactly: the scrape equals what the answers accepted.
import { describe, expect, it } from 'vitest';
import { describeReport, runIngestFuzz } from './ingest-fuzz.js';

const CASES = Number(process.env.FUZZ_CASES ?? 19_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

describe('ingest fuzzing against mlwatch serve', () => {
  it(`survives ${CASES} seeded raw-socket cases and counts every accepted event`, async () => {
    const report = await runIngestFuzz(CASES, SEED);
    console.log(`ingest fuzz (seed ${SEED}):\n  ${describeReport(report)}`);
    expect(report.failures).toEqual([]);
    expect(report.requests).toBeGreaterThanOrEqual(CASES);
    expect(report.scraped).toBe(report.accepted);
    expect(report.accepted).toBeGreaterThan(0);
  }, Math.max(120_000, CASES * 10));
});

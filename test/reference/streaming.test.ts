// A file many read chunks long (200k rows, ~7 MB; chunks are 1 MiB), with a categorical
// column of ~190k distinct values: the build streams it, keeps the category candidates
// bounded, and still finds the heavy categories with exact counts.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReference } from '../../src/reference/build.js';
import { binIndex } from '../../src/stats/bins.js';
import { makeModel, seededRandom, withTempDir } from './helpers.js';

const ROWS = 200_000;
const HEAVY = [
  { name: 'alpha', share: 0.02 },
  { name: 'beta', share: 0.01 },
  { name: 'gamma', share: 0.005 },
];

describe('streaming a file larger than a read chunk', () => {
  it('counts every row exactly, with bounded category candidates', async () => {
    const random = seededRandom(2026);
    const amounts = new Float64Array(ROWS);
    const heavyCounts = new Map(HEAVY.map((h) => [h.name, 0]));
    const lines = ['amount,user,member,prediction'];
    for (let i = 0; i < ROWS; i++) {
      const amount = Math.round(random() * 1e6) / 100;
      const u = random();
      let user = `user-${i}`;
      let cumulative = 0;
      for (const heavy of HEAVY) {
        cumulative += heavy.share;
        if (u < cumulative) {
          user = heavy.name;
          heavyCounts.set(user, (heavyCounts.get(user) ?? 0) + 1);
          break;
        }
      }
      amounts[i] = amount;
      lines.push(`${amount},${user},${i % 3 === 0},${(i % 1000) / 1000}`);
    }
    const model = makeModel({
      features: [
        { name: 'amount', type: 'numeric' },
        { name: 'user', type: 'categorical' },
        { name: 'member', type: 'boolean' },
      ],
      topCategories: 3,
    });

    await withTempDir(async (dir) => {
      const path = join(dir, 'big.csv');
      await writeFile(path, `${lines.join('\n')}\n`);
      const passes = new Set<number>();
      let lastBytes = 0;
      const reference = await buildReference({
        model,
        dataPath: path,
        now: new Date(0),
        onProgress: (p) => {
          passes.add(p.pass);
          lastBytes = p.bytesRead;
          expect(p.bytesRead).toBeLessThanOrEqual(p.bytesTotal);
        },
      });
      expect(passes).toEqual(new Set([1, 2]));
      expect(lastBytes).toBeGreaterThan(4 * 1024 * 1024);
      expect(reference.rows).toBe(ROWS);

      const amount = reference.features.amount;
      if (amount.kind !== 'numeric') throw new Error('amount should be numeric');
      const expectedCounts = new Array<number>(amount.edges.length + 1).fill(0);
      for (const a of amounts) expectedCounts[binIndex(amount.edges, a)]++;
      expect(amount.counts).toEqual(expectedCounts);
      expect(amount.summary.count).toBe(ROWS);

      const user = reference.features.user;
      if (user.kind !== 'categorical') throw new Error('user should be categorical');
      // Every other user appears once, so the heavy ones are the top three.
      const top = HEAVY.map((h) => ({ value: h.name, count: heavyCounts.get(h.name) ?? 0 }));
      expect(top[2].count).toBeGreaterThan(1);
      expect(user.categories).toEqual(top);
      expect(user.other_count).toBe(ROWS - top.reduce((sum, c) => sum + c.count, 0));
    });
  });
});

// The chi-square survival function chi2.sf(x; k) = Q(k/2, x/2), against scipy.stats.chi2.sf
// (test/fixtures/stats/chi2-survival.json), closed forms, and properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, logGamma, regularizedGammaQ } from '../../src/stats/gamma.js';
import { expectClose, loadFixture, type ChiSquareFixtureCase } from './helpers.js';

// A fixed seed: the same cases on every run (shrunk counterexamples stay reproducible).
fc.configureGlobal({ seed: 20_260_101 });

describe('chiSquareSurvival matches scipy.stats.chi2.sf', () => {
  const fixture = loadFixture<ChiSquareFixtureCase>('chi2-survival.json');
  it.each(fixture.cases.map((c) => [c.x, c.dof, c.expected.value] as const))('x=%d, dof=%d', (x, dof, expected) => {
    // 1e-12 relative down to 1e-306: the prefactor x^a e^-x / Γ(a) is taken in log space.
    expectClose(chiSquareSurvival(x, dof), expected, { rel: 1e-12 }, `chi2.sf(${x}, ${dof}) — ${fixture.cases[0].expected.formula}`);
  });
});

describe('chiSquareSurvival closed forms', () => {
  it('dof 2: e^{-x/2}', () => {
    for (const x of [0.001, 0.5, 2, 7.5, 40, 300, 1200]) {
      expectClose(chiSquareSurvival(x, 2), Math.exp(-x / 2), { rel: 1e-13 }, `x=${x}`);
    }
  });

  it('dof 2k: e^{-x/2} Σ_{j<k} (x/2)^j / j!', () => {
    for (const dof of [4, 6, 10, 30]) {
      for (const x of [0.3, 3, dof, 2 * dof, 100]) {
        let term = 1;
        let sum = 1;
        for (let j = 1; j < dof / 2; j++) sum += term *= x / 2 / j;
        expectClose(chiSquareSurvival(x, dof), Math.exp(-x / 2) * sum, { rel: 1e-12 }, `x=${x}, dof=${dof}`);
      }
    }
  });

  it('logGamma: Γ(n) = (n-1)!, Γ(1/2) = √π', () => {
    let factorial = 1;
    for (let n = 1; n <= 30; n++) {
      if (n > 1) factorial *= n - 1;
      expectClose(logGamma(n), Math.log(factorial), { abs: 1e-13, rel: 1e-14 }, `lnΓ(${n})`);
    }
    expectClose(logGamma(0.5), 0.5 * Math.log(Math.PI), { rel: 1e-14 }, 'lnΓ(1/2)');
  });
});

describe('chiSquareSurvival edge values', () => {
  it('is 1 at 0 and below, 0 at +Infinity, NaN for a NaN statistic or dof <= 0', () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(-2, 3)).toBe(1);
    expect(chiSquareSurvival(Infinity, 3)).toBe(0);
    expect(chiSquareSurvival(NaN, 3)).toBeNaN();
    expect(chiSquareSurvival(3, 0)).toBeNaN();
    expect(chiSquareSurvival(3, -1)).toBeNaN();
    expect(regularizedGammaQ(-1, 2)).toBeNaN();
  });

  it('handles very large dof (a category per bin of a big vocabulary)', () => {
    // By the central limit theorem chi2(k) ≈ N(k, 2k): at x = k the tail is just under 1/2.
    const p = chiSquareSurvival(1e6, 1e6);
    expect(p).toBeGreaterThan(0.49);
    expect(p).toBeLessThan(0.5);
  });
});

describe('chiSquareSurvival properties', () => {
  it('is in [0, 1] and non-increasing in the statistic', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.integer({ min: 1, max: 2000 }),
        (x, step, dof) => {
          const here = chiSquareSurvival(x, dof);
          const further = chiSquareSurvival(x + step, dof);
          expect(here).toBeGreaterThanOrEqual(0);
          expect(here).toBeLessThanOrEqual(1);
          // Non-increasing up to rounding where the series hands over to the continued fraction.
          expect(further).toBeLessThanOrEqual(here * (1 + 1e-13) + 1e-300);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

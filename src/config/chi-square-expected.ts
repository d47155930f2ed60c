// Categories expecting fewer than 5 values in a window of min_samples: the chi-square test
// pools them (Cochran's rule, src/stats/binned.ts), so at that size it says nothing about each
// of them alone. One line per model, naming the features (most pooled first) and the window
// size from which every category the reference saw expects at least 5. Categories with no
// reference count (typically __other__) are always pooled and not counted here.
import type { Reference } from '../reference/types.js';
import { CHI_SQUARE_MIN_EXPECTED } from '../stats/binned.js';
import { problem, type Problem } from './problems.js';
import type { ModelConfig } from './types.js';

const NAMED = 6;

export function chiSquareExpectedWarnings(model: ModelConfig, reference: Reference): Problem[] {
  const n = model.drift.min_samples;
  const sparse: { name: string; pooled: number; categories: number; from: number }[] = [];
  const columns = [...model.features.map((f) => [f.name, reference.features[f.name]] as const), ['(prediction)', reference.prediction] as const];
  for (const [name, sketch] of columns) {
    if (sketch?.kind !== 'categorical' || sketch.count === 0) continue;
    const counts = [...sketch.categories.map((c) => c.count), sketch.other_count].filter((c) => c > 0);
    const pooled = counts.filter((c) => (c / sketch.count) * n < CHI_SQUARE_MIN_EXPECTED).length;
    if (pooled === 0) continue;
    const rarest = Math.min(...counts);
    sparse.push({ name, pooled, categories: counts.length, from: Math.ceil((CHI_SQUARE_MIN_EXPECTED * sketch.count) / rarest) });
  }
  if (sparse.length === 0) return [];
  sparse.sort((a, b) => b.from - a.from);
  const named = sparse.slice(0, NAMED).map((s) => `${s.name} ${s.pooled} of ${s.categories} (all from n ≈ ${s.from.toLocaleString('en-US')})`);
  if (sparse.length > NAMED) named.push(`${sparse.length - NAMED} more features`);
  return [
    problem(
      ['drift', 'min_samples'],
      `at ${n} values some categories expect fewer than ${CHI_SQUARE_MIN_EXPECTED} (${named.join(', ')}): chi2_pvalue pools them ` +
        '(Cochran\'s rule), so it cannot judge them one by one in windows that small',
    ),
  ];
}

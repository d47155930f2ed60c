// Configured `categories` that leave out part of the training data: traffic exactly like the
// training data then counts those values as out of range, and the out-of-range alert (5% by
// default) can fire on a model whose inputs have not changed at all.
import type { Reference } from '../reference/types.js';
import { problem, type Problem } from './problems.js';
import type { ModelConfig } from './types.js';

/** Warn when at least this share of a feature's reference values is outside its categories. */
export const CATEGORY_COVERAGE_WARNING_SHARE = 0.01;
const NAMED_CATEGORIES = 5;

export function categoryCoverageWarnings(model: ModelConfig, reference: Reference): Problem[] {
  const warnings: Problem[] = [];
  model.features.forEach((feature, j) => {
    const sketch = reference.features[feature.name];
    if (feature.type !== 'categorical' || feature.categories === undefined || sketch?.kind !== 'categorical') return;
    if (sketch.count === 0) return;
    const allowed = new Set(feature.categories);
    const left = sketch.categories.filter((c) => !allowed.has(c.value) && c.count > 0);
    // Values beyond the reference's top categories are surely outside when every allowed
    // category is among the top ones; otherwise some of them may be allowed.
    const topValues = new Set(sketch.categories.map((c) => c.value));
    const otherSurelyOutside = feature.categories.every((c) => topValues.has(c));
    const outside = left.reduce((sum, c) => sum + c.count, 0) + (otherSurelyOutside ? sketch.other_count : 0);
    const share = outside / sketch.count;
    if (share < CATEGORY_COVERAGE_WARNING_SHARE) return;
    const parts = left.slice(0, NAMED_CATEGORIES).map((c) => `"${c.value}" ${percent(c.count / sketch.count)}`);
    if (left.length > NAMED_CATEGORIES) parts.push(`${left.length - NAMED_CATEGORIES} more`);
    if (otherSurelyOutside && sketch.other_count > 0) {
      parts.push(`values beyond the reference's top ${sketch.categories.length} categories ${percent(sketch.other_count / sketch.count)}`);
    }
    warnings.push(
      problem(
        ['features', j, 'categories'],
        `leaves out ${otherSurelyOutside ? '' : 'at least '}${percent(share)} of the reference's "${feature.name}" values ` +
          `(${parts.join(', ')}): traffic like the training data will count them as out of range ` +
          '(the out-of-range alert fires at 5%). List every category you expect, or drop `categories` to allow the reference\'s own',
      ),
    );
  });
  return warnings;
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

// Segments measured against the whole reference: the reference predates the segments (every
// value then falls back), or a segment value had fewer training rows than min_segment_rows.
import { segmentReferenceOf } from '../reference/segment-match.js';
import type { Reference } from '../reference/types.js';
import { problem, type Problem } from './problems.js';
import type { ModelConfig } from './types.js';

export function segmentReferenceWarnings(model: ModelConfig, reference: Reference): Problem[] {
  const warnings: Problem[] = [];
  model.segments.forEach((segment, k) => {
    const at = ['segments', k];
    const built = segmentReferenceOf(reference, segment.feature);
    if (built === undefined) {
      warnings.push(
        problem(at, `the reference has no rows of its own for the segment "${segment.feature}" (it was built before the segment was configured): every value is compared with the whole reference; rebuild it with "mlwatch reference build"`),
      );
      return;
    }
    const thin = built.values.filter((v) => v.fallback);
    if (thin.length === 0) return;
    const named = thin.slice(0, 6).map((v) => `"${v.value}" (${v.rows} rows)`);
    if (thin.length > 6) named.push(`${thin.length - 6} more`);
    warnings.push(
      problem(at, `${named.join(', ')} had fewer than reference_build.min_segment_rows (${model.reference_build.min_segment_rows}) training rows: compared with the whole reference (mlwatch_segment_reference_fallback = 1)`),
    );
  });
  return warnings;
}

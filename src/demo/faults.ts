// Data-quality faults the demo injects into a few events, so the quality counters move
// alongside the drift scores. Each one is a mistake real upstreams make; each lands in a
// different mlwatch counter. (A NaN is not one of them: the demo's events are JSON.)
import { roundTo } from './credit-model.js';
import type { Prng } from './prng.js';

export type FaultKind = 'string_in_numeric' | 'unseen_country' | 'percent_as_ratio' | 'unknown_field';

export const FAULT_KINDS: readonly FaultKind[] = ['string_in_numeric', 'unseen_country', 'percent_as_ratio', 'unknown_field'];

/** Numeric features a careless serialiser might quote (→ mlwatch_feature_type_errors_total). */
const QUOTABLE_FEATURES = ['income', 'age', 'credit_lines', 'loan_amount'] as const;
/** Markets the model was never trained on (→ mlwatch_feature_out_of_range_total for country). */
const UNSEEN_COUNTRIES = ['BR', 'US', 'GB'] as const;
/** A field the config does not declare (→ mlwatch_unknown_fields_total). */
export const UNKNOWN_FIELD = 'referral_code';

export function pickFault(prng: Prng): FaultKind {
  return FAULT_KINDS[prng.integer(0, FAULT_KINDS.length - 1)];
}

/** Applies the fault to an event's feature object in place. */
export function applyFault(features: Record<string, unknown>, fault: FaultKind, prng: Prng): void {
  switch (fault) {
    case 'string_in_numeric': {
      const name = QUOTABLE_FEATURES[prng.integer(0, QUOTABLE_FEATURES.length - 1)];
      features[name] = String(features[name]);
      return;
    }
    case 'unseen_country':
      features.country = UNSEEN_COUNTRIES[prng.integer(0, UNSEEN_COUNTRIES.length - 1)];
      return;
    case 'percent_as_ratio': {
      // 0.31 sent as 31: outside the configured range [0, 1] (→ out of range for debt_ratio).
      const ratio = features.debt_ratio;
      if (typeof ratio === 'number') features.debt_ratio = roundTo(ratio * 100, 2);
      return;
    }
    case 'unknown_field':
      features[UNKNOWN_FIELD] = `R${prng.integer(100_000, 999_999)}`;
      return;
  }
}

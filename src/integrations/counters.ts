// The integrations' counters in flat arrays: the endpoints add, the collector reads.
// Model index modelCount is __other__ (an InferenceService or model that maps to none).
import { PAYLOAD_REASONS, type PayloadReason } from './problems.js';
import type { InferenceSide } from './cloudevent.js';

export const SIDES: readonly InferenceSide[] = ['request', 'response'];
export const UNPAIRED_REASONS = ['ttl', 'capacity', 'duplicate_id'] as const;
export type UnpairedReason = (typeof UNPAIRED_REASONS)[number];

const reasonIndex = new Map<PayloadReason, number>(PAYLOAD_REASONS.map((r, i) => [r, i]));
const unpairedIndex = new Map<UnpairedReason, number>(UNPAIRED_REASONS.map((r, i) => [r, i]));

export class IntegrationCounters {
  /** [(model) * 2 + side], models + 1 rows. */
  readonly cloudEvents: Float64Array;
  /** [(model * 2 + side) * 3 + reason]. */
  readonly unpaired: Float64Array;
  /** [model * reasons + reason], models + 1 rows. */
  readonly payloadsRejected: Float64Array;

  constructor(readonly modelCount: number) {
    this.cloudEvents = new Float64Array((modelCount + 1) * SIDES.length);
    this.unpaired = new Float64Array(modelCount * SIDES.length * UNPAIRED_REASONS.length);
    this.payloadsRejected = new Float64Array((modelCount + 1) * PAYLOAD_REASONS.length);
  }

  /** `model` -1 means none matched. */
  cloudEvent(model: number, side: InferenceSide): void {
    this.cloudEvents[this.row(model) * SIDES.length + (side === 'request' ? 0 : 1)]++;
  }

  unpairedHalf(model: number, side: InferenceSide, reason: UnpairedReason): void {
    this.unpaired[(model * SIDES.length + (side === 'request' ? 0 : 1)) * UNPAIRED_REASONS.length + (unpairedIndex.get(reason) as number)]++;
  }

  rejectedPayload(model: number, reason: PayloadReason): void {
    this.payloadsRejected[this.row(model) * PAYLOAD_REASONS.length + (reasonIndex.get(reason) as number)]++;
  }

  private row(model: number): number {
    return model < 0 ? this.modelCount : model;
  }
}

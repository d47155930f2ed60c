// Requests and responses of KServe's logger waiting for their other half, by ce-id: bounded
// in time (pairing_ttl_seconds), in count (max_pending) and in body bytes (max_pending_bytes),
// all models together. A half let go is handed to `onUnpaired` with the reason, never lost
// silently. Map order is arrival order and the TTL is one for all, so the oldest half is
// always the first: expiry and eviction never search.
import type { KservePairingConfig } from '../config/types.js';
import type { UnpairedReason } from './counters.js';
import type { InferenceSide } from './cloudevent.js';

export interface PendingHalf<T> {
  model: number;
  side: InferenceSide;
  /** Body bytes this half stands for (what max_pending_bytes bounds). */
  bytes: number;
  arrivedMs: number;
  value: T;
}

export class PendingPairs<T> {
  private readonly halves = new Map<string, PendingHalf<T>>();
  private heldBytes = 0;
  /** Waiting halves per model, for the pending gauge. */
  readonly perModel: Float64Array;

  constructor(
    private readonly limits: KservePairingConfig,
    modelCount: number,
    private readonly onUnpaired: (half: PendingHalf<T>, reason: UnpairedReason) => void,
  ) {
    this.perModel = new Float64Array(modelCount);
  }

  get size(): number {
    return this.halves.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** The waiting other half of `key` (removed), if it is of the other side. */
  takeOther(key: string, side: InferenceSide): PendingHalf<T> | undefined {
    const half = this.halves.get(key);
    if (half === undefined || half.side === side) return undefined;
    this.remove(key, half);
    return half;
  }

  /** Wait for the other half; a half of the same side and key waiting already is let go. */
  put(key: string, half: PendingHalf<T>, nowMs: number): void {
    const earlier = this.halves.get(key);
    if (earlier !== undefined) {
      this.remove(key, earlier);
      this.onUnpaired(earlier, 'duplicate_id');
    }
    this.expire(nowMs);
    this.halves.set(key, half);
    this.heldBytes += half.bytes;
    this.perModel[half.model]++;
    while (this.halves.size > this.limits.max_pending || (this.heldBytes > this.limits.max_pending_bytes && this.halves.size > 1)) {
      this.letGoOldest('capacity');
    }
  }

  /** Let go every half older than the TTL. */
  expire(nowMs: number): void {
    const ttlMs = this.limits.pairing_ttl_seconds * 1000;
    for (const [key, half] of this.halves) {
      if (nowMs - half.arrivedMs < ttlMs) return;
      this.remove(key, half);
      this.onUnpaired(half, 'ttl');
    }
  }

  /** Let go of everything (at shutdown), as expired. */
  drain(): void {
    for (const [key, half] of this.halves) {
      this.remove(key, half);
      this.onUnpaired(half, 'ttl');
    }
  }

  private letGoOldest(reason: UnpairedReason): void {
    const first = this.halves.entries().next();
    if (first.done === true) return;
    const [key, half] = first.value;
    this.remove(key, half);
    this.onUnpaired(half, reason);
  }

  private remove(key: string, half: PendingHalf<T>): void {
    this.halves.delete(key);
    this.heldBytes -= half.bytes;
    this.perModel[half.model]--;
  }
}

// What a label join store counts, whichever holds the records: this process (JoinStore) or
// Redis shared by the fleet (redis/fleet-join.ts). The labels collector and the checkpoint
// read these, so both stores export the same series.

export interface JoinCounts {
  /** Labels joined (by this process). */
  joined: number;
  /** Labels that found no prediction, by UNMATCHED_REASONS. */
  readonly unmatched: Float64Array;
  /** Waiting records pushed out by max_pending_labels, by PENDING_KINDS. */
  readonly evictions: Float64Array;
  predictionsWithId: number;
  duplicatePredictions: number;
  /** Waiting predictions and labels (fleet-wide for Redis, as of its last sweep). */
  pendingPredictions: number;
  pendingLabels: number;
  /** Bytes this process holds for the store. */
  readonly bytes: number;
  countInvalid(n?: number): void;
}

// The sliding drift window: a ring of sub-windows, each a flat array of bin counts
// (and numeric within-bin offset sums) in the layout's order. The hot path adds to the current
// sub-window; a timer rotates the ring, so memory is fixed whatever the traffic and
// the window covers the last window_seconds to within one sub-window.

export class SlidingWindow {
  /** The ring; plain typed arrays so the state can be checkpointed as is. */
  readonly subWindows: Float64Array[];
  /** The sub-window events are added to now. */
  current: Float64Array;
  private currentIndex = 0;

  constructor(
    readonly subWindowCount: number,
    /** Length of each sub-window array: bin counts then offset sums. */
    readonly width: number,
  ) {
    this.subWindows = Array.from({ length: subWindowCount }, () => new Float64Array(width));
    this.current = this.subWindows[0];
  }

  /** Start a new sub-window, dropping the oldest. */
  rotate(): void {
    this.currentIndex = (this.currentIndex + 1) % this.subWindowCount;
    this.current = this.subWindows[this.currentIndex];
    this.current.fill(0);
  }

  /** Write the sum over all sub-windows into `target` (length `width`). */
  sumInto(target: Float64Array): void {
    target.set(this.subWindows[0]);
    for (let s = 1; s < this.subWindowCount; s++) {
      const sub = this.subWindows[s];
      for (let i = 0; i < this.width; i++) target[i] += sub[i];
    }
  }
}

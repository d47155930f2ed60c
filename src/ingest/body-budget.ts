// The request bytes buffered across all requests at once (ingest.max_buffered_bytes): each
// body reserves its bytes as they arrive and gives them back once it has been answered, so
// forty clients each parking a 10 MiB body cannot take 400 MB; past the budget, requests are
// answered 503 with Retry-After.

export class BodyBudget {
  /** Bytes reserved now. */
  buffered = 0;

  constructor(readonly maxBytes: number) {}

  /** Reserve `bytes` if the budget allows; false (and nothing reserved) otherwise. */
  tryReserve(bytes: number): boolean {
    if (this.buffered + bytes > this.maxBytes) return false;
    this.buffered += bytes;
    return true;
  }

  release(bytes: number): void {
    this.buffered -= bytes;
  }
}

// One numeric column of the training data, in two passes. Pass 1: count, Welford mean
// and variance, min, max and a t-digest. Between the passes the bin edges are frozen from
// the quantiles. Pass 2: exact counts per coarse and per fine bin.
import { TDigest } from 'tdigest';
import { binIndex } from '../stats/bins.js';
import type { NumericSketch } from './types.js';
import { coarseEdges, exactQuantiles, fineEdges, type QuantileFunction } from './edges.js';
import { ReferenceBuildError } from './errors.js';
import { seededRandom, seedFromName, withMathRandom } from './seeded-random.js';
import { INVALID, MISSING, type NumberDecoder } from './values.js';

/** Values are fed to the digest in batches, so the Math.random swap is paid once per batch. */
const DIGEST_BATCH = 4096;
/**
 * Up to this many distinct values, quantiles come from exact counts instead of the digest:
 * the edges of a discrete feature are then its own values (the digest would interpolate
 * between them and leave empty bins).
 */
export const EXACT_QUANTILE_DISTINCT_LIMIT = 4096;

export class NumericAccumulator {
  count = 0;
  missing = 0;
  invalid = 0;
  private mean = 0;
  private sumSquaredDeviations = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private readonly digest = new TDigest();
  private readonly random: () => number;
  private readonly batch = new Float64Array(DIGEST_BATCH);
  private batchLength = 0;
  /** value → count while the column has few distinct values; null once it has too many. */
  private distinct: Map<number, number> | null = new Map();
  private centroids: { mean: number; n: number }[] = [];
  private edges: number[] = [];
  private fineEdgeList: number[] = [];
  private counts: number[] = [];
  private fineCounts: number[] = [];
  /** Values counted in pass 2; equals `count` unless the file changed between the passes. */
  tallied = 0;

  constructor(
    readonly name: string,
    private readonly decode: NumberDecoder,
  ) {
    this.random = seededRandom(seedFromName(name));
  }

  /** Pass 1. */
  observe(raw: unknown): void {
    const value = this.decode(raw);
    if (value === MISSING) this.missing++;
    else if (value === INVALID) this.invalid++;
    else this.add(value);
  }

  private add(x: number): void {
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.sumSquaredDeviations += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (this.distinct !== null) {
      this.distinct.set(x, (this.distinct.get(x) ?? 0) + 1);
      if (this.distinct.size > EXACT_QUANTILE_DISTINCT_LIMIT) this.distinct = null;
    }
    this.batch[this.batchLength++] = x;
    if (this.batchLength === DIGEST_BATCH) this.flushBatch();
  }

  private flushBatch(): void {
    const { digest, batch, batchLength } = this;
    withMathRandom(this.random, () => {
      for (let i = 0; i < batchLength; i++) digest.push(batch[i]);
    });
    this.batchLength = 0;
  }

  /** Between the passes: compress the digest and fix the coarse and fine edges. */
  freeze(bins: number, fineBins: number): void {
    if (this.count === 0) return;
    this.flushBatch();
    withMathRandom(this.random, () => this.digest.compress());
    this.centroids = this.digest.toArray().map((c) => ({ mean: c.mean, n: c.n }));
    const quantile: QuantileFunction = this.distinct !== null ? exactQuantiles(this.distinct) : (p) => this.digest.percentile(p);
    this.distinct = null;
    this.edges = coarseEdges(quantile, this.min, this.max, bins);
    this.fineEdgeList = fineEdges(this.edges, quantile, this.min, this.max, fineBins, this.count);
    this.counts = new Array<number>(this.edges.length + 1).fill(0);
    this.fineCounts = new Array<number>(this.fineEdgeList.length + 1).fill(0);
  }

  /** Pass 2. */
  tally(raw: unknown): void {
    const value = this.decode(raw);
    if (typeof value !== 'number') return;
    this.tallied++;
    this.counts[binIndex(this.edges, value)]++;
    this.fineCounts[binIndex(this.fineEdgeList, value)]++;
  }

  sketch(): NumericSketch {
    const std = Math.sqrt(this.sumSquaredDeviations / this.count);
    if (!Number.isFinite(this.mean) || !Number.isFinite(std)) {
      throw new ReferenceBuildError(`${this.name}: values too large to summarise (their mean or variance overflows a double); rescale the column`);
    }
    return {
      kind: 'numeric',
      summary: {
        count: this.count,
        missing: this.missing,
        invalid: this.invalid,
        mean: this.mean,
        std,
        min: this.min === 0 ? 0 : this.min, // no -0 in the file
        max: this.max === 0 ? 0 : this.max,
      },
      digest: this.centroids,
      edges: this.edges,
      counts: this.counts,
      fine_edges: this.fineEdgeList,
      fine_counts: this.fineCounts,
    };
  }
}

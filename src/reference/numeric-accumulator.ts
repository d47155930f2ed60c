// One numeric column of the training data, in two passes. Pass 1: count, Welford mean
// and variance, min, max, a t-digest, and the values it repeats (exactly while it has few
// distinct values, else Misra-Gries candidates). Between the passes the bin edges are frozen
// from the quantiles and the atoms (src/reference/atoms.ts). Pass 2: exact counts per coarse
// and per fine bin, the fine bins' within-bin offset sums, and the atom candidates' counts.
import { TDigest } from 'tdigest';
import { binIndex, binLowerEdges } from '../stats/bins.js';
import { FINE_BINS, type NumericSketch } from './types.js';
import { atomCandidateCapacity, atomCandidates, chooseAtoms } from './atoms.js';
import { FrequentItems } from './category-counter.js';
import { coarseEdges, exactQuantiles, fineEdges, mergeBins, withAtomEdges, type QuantileFunction } from './edges.js';
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
  /** Frequent values once `distinct` overflows (atom candidates); made then, from its counts. */
  private frequent: FrequentItems<number> | null = null;
  private centroids: { mean: number; n: number }[] = [];
  private edges: number[] = [];
  /** Fine edges from the quantiles alone; the atoms' edges come on top. */
  private quantileFineEdges: number[] = [];
  private fineEdgeList: number[] = [];
  private fineLowerEdges: Float64Array = new Float64Array(0);
  private counts: number[] = [];
  private fineCounts: number[] = [];
  private fineOffsets: number[] = [];
  private atoms: number[] = [];
  /** Atom candidates counted exactly in pass 2 (null when pass 1 already knew the atoms). */
  private candidateCounts: Map<number, number> | null = null;
  /** Values counted in pass 2; equals `count` unless the file changed between the passes. */
  tallied = 0;

  constructor(
    readonly name: string,
    /** How a raw cell of this column becomes a number (also read by the segments' pass). */
    readonly decodeValue: NumberDecoder,
    private readonly fineBins: number = FINE_BINS,
  ) {
    this.random = seededRandom(seedFromName(name));
  }

  /** Pass 1. */
  observe(raw: unknown): void {
    const value = this.decodeValue(raw);
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
      if (this.distinct.size > EXACT_QUANTILE_DISTINCT_LIMIT) this.startFrequentItems(this.distinct);
    } else {
      this.frequent?.add(x);
    }
    this.batch[this.batchLength++] = x;
    if (this.batchLength === DIGEST_BATCH) this.flushBatch();
  }

  /** Too many distinct values to count each: from here on, only the frequent ones (with the counts so far as weights). */
  private startFrequentItems(distinct: Map<number, number>): void {
    const frequent = new FrequentItems<number>(atomCandidateCapacity(this.fineBins));
    for (const [value, count] of distinct) frequent.add(value, count);
    this.frequent = frequent;
    this.distinct = null;
  }

  private flushBatch(): void {
    const { digest, batch, batchLength } = this;
    withMathRandom(this.random, () => {
      for (let i = 0; i < batchLength; i++) digest.push(batch[i]);
    });
    this.batchLength = 0;
  }

  /**
   * Between the passes: compress the digest, choose the atoms (or their candidates) and fix
   * the coarse and fine edges. Atoms enter only the fine edges: the coarse ones stay the
   * exported histogram's at most `bins` + 1 buckets.
   */
  /** The fine edges fixed by freeze() (the reference's fine_edges), for the label pass's score bins. */
  get frozenFineEdges(): readonly number[] {
    return this.fineEdgeList;
  }

  freeze(bins: number): void {
    if (this.count === 0) return;
    this.flushBatch();
    withMathRandom(this.random, () => this.digest.compress());
    this.centroids = this.digest.toArray().map((c) => ({ mean: c.mean, n: c.n }));
    const quantile: QuantileFunction = this.distinct !== null ? exactQuantiles(this.distinct) : (p) => this.digest.percentile(p);
    const fineBins = this.fineBins;
    let atoms: number[];
    if (this.distinct !== null) {
      atoms = this.atoms = chooseAtoms(this.distinct, this.count, fineBins, true);
    } else {
      atoms = atomCandidates(this.frequent?.estimates() ?? new Map<number, number>(), this.count, fineBins);
      this.candidateCounts = new Map(atoms.map((value) => [value, 0]));
    }
    this.distinct = null;
    this.frequent = null;
    this.edges = coarseEdges(quantile, this.min, this.max, bins);
    this.quantileFineEdges = fineEdges(this.edges, quantile, this.min, this.max, fineBins, this.count);
    this.fineEdgeList = withAtomEdges(this.quantileFineEdges, atoms);
    this.fineLowerEdges = binLowerEdges(this.fineEdgeList);
    this.counts = new Array<number>(this.edges.length + 1).fill(0);
    this.fineCounts = new Array<number>(this.fineEdgeList.length + 1).fill(0);
    this.fineOffsets = new Array<number>(this.fineEdgeList.length + 1).fill(0);
  }

  /** Pass 2. */
  tally(raw: unknown): void {
    const value = this.decodeValue(raw);
    if (typeof value !== 'number') return;
    this.tallied++;
    this.counts[binIndex(this.edges, value)]++;
    const fine = binIndex(this.fineEdgeList, value);
    this.fineCounts[fine]++;
    this.fineOffsets[fine] += value - this.fineLowerEdges[fine];
    const candidates = this.candidateCounts;
    if (candidates !== null) {
      const count = candidates.get(value);
      if (count !== undefined) candidates.set(value, count + 1);
    }
  }

  /** After pass 2: candidates that fall short of the atom share lose their edges (their bins merge with their neighbours). */
  private settleAtoms(): void {
    const candidates = this.candidateCounts;
    if (candidates === null) return;
    this.candidateCounts = null;
    this.atoms = chooseAtoms(candidates, this.count, this.fineBins, false);
    if (this.atoms.length === candidates.size) return;
    const edges = withAtomEdges(this.quantileFineEdges, this.atoms);
    const merged = mergeBins(this.fineEdgeList, this.fineCounts, this.fineOffsets, edges);
    this.fineEdgeList = edges;
    this.fineCounts = merged.counts;
    this.fineOffsets = merged.offsets;
  }

  sketch(): NumericSketch {
    this.settleAtoms();
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
      fine_offsets: this.fineOffsets,
      atoms: this.atoms,
    };
  }
}

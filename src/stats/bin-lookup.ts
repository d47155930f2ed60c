// binIndex without a full binary search on the hot path. A binary search over ~220 fine
// edges costs ~8 unpredictable branches (≈ 60–80 ns, most of an event's recording time for
// 15 numeric features). A grid of equal-width cells over [first edge, last edge], made once,
// holds for each cell the first edge at or above its start, so a value only searches the few
// edges inside its cell. The answer is binIndex's exactly (tested on random edges and values).
import { binIndex } from './bins.js';

/** Cells per lookup: 1024 × 2 bytes, enough for ~200 quantile edges to fall a few per cell. */
const CELLS = 1024;
/** Up to this many candidate edges, scan linearly; more (edges clustered in one cell), bisect. */
const LINEAR_SCAN = 8;

export interface BinLookup {
  readonly edges: Float64Array;
  /** cellStart[c] = a lower bound of the answer for any value in cell c; cellStart[CELLS] = edges.length. */
  readonly cellStart: Uint16Array;
  readonly origin: number;
  /** Cells per unit of value; 0 when the edges cannot be gridded (fewer than 2, or a non-finite span). */
  readonly scale: number;
}

export function createBinLookup(edges: Float64Array): BinLookup {
  if (edges.length >= 0xffff) throw new RangeError(`createBinLookup: ${edges.length} edges; at most 65534`);
  const n = edges.length;
  const cellStart = new Uint16Array(CELLS + 1);
  const span = n >= 2 ? edges[n - 1] - edges[0] : 0;
  const scale = span > 0 && Number.isFinite(span) && Number.isFinite(CELLS / span) ? CELLS / span : 0;
  const origin = n > 0 ? edges[0] : 0;
  if (scale > 0) {
    for (let c = 0; c < CELLS; c++) {
      // One edge of slack below the exact start: value → cell rounding may land a value an ulp early.
      const first = binIndex(edges, origin + c / scale);
      cellStart[c] = first > 0 ? first - 1 : 0;
    }
  }
  cellStart[CELLS] = n;
  return { edges, cellStart, origin, scale };
}

/** The same as binIndex(lookup.edges, value): the first i with edges[i] >= value. value must not be NaN. */
export function lookupBin(lookup: BinLookup, value: number): number {
  const edges = lookup.edges;
  const n = edges.length;
  if (n === 0 || value <= edges[0]) return 0;
  if (value > edges[n - 1]) return n;
  if (lookup.scale === 0) return binIndex(edges, value);
  // edges[0] < value <= edges[n-1], both finite, so the cell is in [0, CELLS].
  let cell = Math.floor((value - lookup.origin) * lookup.scale);
  if (cell >= CELLS) cell = CELLS - 1;
  let lo = lookup.cellStart[cell];
  // Step back over any edge still >= value (float rounding of the cell), then forward.
  while (lo > 0 && edges[lo - 1] >= value) lo--;
  const hi = lookup.cellStart[cell + 1] + 2 < n ? lookup.cellStart[cell + 1] + 2 : n;
  if (hi - lo <= LINEAR_SCAN) {
    while (edges[lo] < value) lo++;
    return lo;
  }
  let top = n;
  while (lo < top) {
    const mid = (lo + top) >>> 1;
    if (edges[mid] < value) lo = mid + 1;
    else top = mid;
  }
  return lo;
}

// Atoms: values a numeric column repeats, kept as point masses. Each atom a gets the fine
// edges previousDouble(a) and a, so the bin (previousDouble(a), a] holds exactly the copies of a
// and the bin below holds what lies strictly between a and the edge before: KS is then taken on
// both sides of every atom and W1 integrates each side exactly (src/stats/continuous.ts).
//
// Which values are atoms, for FINE_BINS fine bins:
// - a column with at most FINE_BINS distinct values: every value. Its 2·FINE_BINS edges cost
//   at most about twice a continuous feature's ~220, and KS and W1 are then exact between atoms.
//   (Above that, an equal-frequency fine bin holds about one distinct value or less anyway.)
// - any column: every value holding at least 1/(2·FINE_BINS) of it (zero-inflation, a default
//   fill value), at most FINE_BINS of them, the most frequent first. A value below that share
//   inside a bin adds less than half a bin's mass to the KS error bound, which stays < 0.01.
// Exact counts decide: from pass 1 while the column has few distinct values, else candidates
// from a bounded Misra-Gries pass (every value above the share is certain to be among them)
// counted exactly in pass 2, and the edges of candidates that fall short are merged away.
import { previousDouble } from '../stats/float.js';

/** A column with at most this many distinct values makes every value an atom. */
export function allAtomsUpTo(fineBins: number): number {
  return fineBins;
}

/** The share of a column at or above which a value is an atom. */
export function atomShare(fineBins: number): number {
  return 1 / (2 * fineBins);
}

/** At most this many atoms per column (the most frequent). */
export function maxAtoms(fineBins: number): number {
  return fineBins;
}

/** Capacity of the Misra-Gries summary that finds atom candidates: errors below a quarter of the atom share. */
export function atomCandidateCapacity(fineBins: number): number {
  return 8 * fineBins;
}

/**
 * The atoms among exactly counted values, ascending. `everyValue`: `counts` holds every
 * distinct value of the column (not just candidates), so a column with few of them makes
 * each one an atom.
 */
export function chooseAtoms(counts: ReadonlyMap<number, number>, total: number, fineBins: number, everyValue: boolean): number[] {
  let chosen: [number, number][];
  if (everyValue && counts.size <= allAtomsUpTo(fineBins)) {
    chosen = [...counts].filter(([, count]) => count > 0);
  } else {
    const least = atomShare(fineBins) * total;
    chosen = [...counts]
      .filter(([, count]) => count > 0 && count >= least)
      .sort(([valueA, countA], [valueB, countB]) => countB - countA || valueA - valueB)
      .slice(0, maxAtoms(fineBins));
  }
  return chosen.map(([value]) => value).sort((a, b) => a - b);
}

/**
 * Candidates from Misra-Gries estimates: every value whose true count can reach the atom
 * share (estimate + total/(capacity+1) >= share·total), to be counted exactly in pass 2.
 */
export function atomCandidates(estimates: ReadonlyMap<number, number>, total: number, fineBins: number): number[] {
  const slack = total / (atomCandidateCapacity(fineBins) + 1);
  const least = atomShare(fineBins) * total - slack;
  return [...estimates].filter(([, estimate]) => estimate >= least).map(([value]) => value);
}

/** The two fine edges of each atom: previousDouble(a) (when finite) and a. */
export function atomEdges(atoms: readonly number[]): number[] {
  const edges: number[] = [];
  for (const atom of atoms) {
    const below = previousDouble(atom);
    // Below -Number.MAX_VALUE there is no double: bin 0 (-Inf, a] already holds only a.
    if (Number.isFinite(below)) edges.push(below);
    edges.push(atom);
  }
  return edges;
}

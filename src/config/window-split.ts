// The sliding window's split: window_seconds into sub_windows of whole milliseconds that a
// Node timer can wait for (the window rotates one sub-window per timer tick).
import { DEFAULT_DRIFT } from './defaults.js';
import { field, problem, type PathSegment, type Problem } from './problems.js';

export interface WindowSplit {
  window_seconds: number;
  sub_windows: number;
}

export const DEFAULT_SPLIT: WindowSplit = { window_seconds: DEFAULT_DRIFT.window_seconds, sub_windows: DEFAULT_DRIFT.sub_windows };
export const MAX_SUB_WINDOWS = 1000;
/** Node timers cannot wait longer than this; longer delays silently become 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function isCount(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
}

/** The split after `override` (a drift mapping) applies to `base`; undefined if a value is invalid. */
export function effectiveSplit(base: WindowSplit | undefined, override: unknown): WindowSplit | undefined {
  if (base === undefined) return undefined;
  const windowOverride = field(override, 'window_seconds');
  const subOverride = field(override, 'sub_windows');
  const window = windowOverride === undefined ? base.window_seconds : windowOverride;
  const sub = subOverride === undefined ? base.sub_windows : subOverride;
  return isCount(window) && isCount(sub, MAX_SUB_WINDOWS) ? { window_seconds: window, sub_windows: sub } : undefined;
}

/**
 * A problem when `split` does not divide into whole-millisecond sub-windows a timer can wait
 * for; reported only where `override` sets one of the two keys (else its source reports it).
 */
export function subWindowProblem(split: WindowSplit, override: unknown, at: PathSegment[]): Problem | undefined {
  const setsSub = field(override, 'sub_windows') !== undefined;
  if (!setsSub && field(override, 'window_seconds') === undefined) return undefined;
  const path = [...at, setsSub ? 'sub_windows' : 'window_seconds'];
  const windowMs = split.window_seconds * 1000;
  if (windowMs % split.sub_windows !== 0) {
    return problem(
      path,
      `a window of ${split.window_seconds} s does not split into ${split.sub_windows} sub-windows of whole milliseconds; ` +
        `use a sub_windows that divides ${windowMs}, e.g. ${nearbyDivisors(windowMs, split.sub_windows).join(' or ')}`,
    );
  }
  if (windowMs / split.sub_windows > MAX_TIMER_MS) {
    return problem(
      path,
      `each of the ${split.sub_windows} sub-windows would last ${windowMs / split.sub_windows} ms, longer than a timer can wait ` +
        `(${MAX_TIMER_MS} ms, about 24.8 days); use more sub-windows or a shorter window`,
    );
  }
  return undefined;
}

/** The divisors of `total` nearest below and above `wanted`, within 1..MAX_SUB_WINDOWS. */
function nearbyDivisors(total: number, wanted: number): number[] {
  const found: number[] = [];
  for (let d = wanted - 1; d >= 1; d--) {
    if (total % d === 0) {
      found.push(d);
      break;
    }
  }
  for (let d = wanted + 1; d <= MAX_SUB_WINDOWS; d++) {
    if (total % d === 0) {
      found.push(d);
      break;
    }
  }
  return found;
}

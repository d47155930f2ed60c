// A clock for a sidecar under test: the system time plus an offset the test moves forward,
// so a drift window can be emptied (every sub-window's bucket left behind) without waiting.
import type { Clock } from '../../src/monitor/fleet.js';

export interface TestClock extends Clock {
  /** Move the clock forward by `ms`. */
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  const clock = (() => Date.now() + offset) as TestClock;
  clock.advance = (ms: number) => {
    offset += ms;
  };
  return clock;
}

// Prometheus durations ("30s", "10m", "1h30m", "30d") as the rule files accept them on 2.42
// and 3.x: units in descending order, each at most once, integers only.
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86_400, 7 * 86_400, 86_400, 3_600, 60, 1, 0.001];

/** Seconds in a Prometheus duration, or null when the text is not one. */
export function durationSeconds(text: string): number | null {
  if (text === '') return null;
  const match = DURATION.exec(text);
  if (match === null) return null;
  let seconds = 0;
  for (let i = 0; i < UNIT_SECONDS.length; i++) {
    const part = match[i + 1];
    if (part !== undefined) seconds += Number(part) * UNIT_SECONDS[i];
  }
  return seconds;
}

// deployed_at: an ISO 8601 date and time with a timezone, checked field by field because
// Date.parse accepts impossible dates such as February 30.

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):?(\d{2}))?$/i;
const EXAMPLE = '"2026-11-20T09:00:00Z"';

/** Why `text` is not a usable deploy time, or undefined when it is one. */
export function deployTimeProblem(text: string): string | undefined {
  const match = ISO_TIME.exec(text);
  if (match === null) {
    return `must be an ISO 8601 date and time with a timezone, e.g. ${EXAMPLE} (got ${JSON.stringify(text)})`;
  }
  const [, year, month, day, hour, minute, second = '0', zone, offsetHours = '0', offsetMinutes = '0'] = match;
  if (zone === undefined) {
    return `"${text}" has no timezone; add Z for UTC or an offset such as +01:00, e.g. ${EXAMPLE}`;
  }
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const valid =
    m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth &&
    Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59 &&
    Number(offsetHours) <= 23 && Number(offsetMinutes) <= 59 &&
    !Number.isNaN(Date.parse(text));
  return valid ? undefined : `"${text}" is not a real date and time (check the month, day, hours and minutes)`;
}

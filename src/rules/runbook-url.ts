// Each alert's runbook_url from the thresholds file's runbook_base_url: any http(s) URL.
// With a placeholder, {alert} becomes the alert name (MLWatchDown) and {anchor} the name in
// lower case (mlwatchdown, the anchor GitHub and MkDocs/TechDocs give "## MLWatchDown"), so a
// wiki with one page per alert or a Confluence anchor fits; without one, "#" + the anchor is
// appended, as for docs/runbook.md on GitHub.

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN = ['alert', 'anchor'];

/** The anchor GitHub gives the runbook heading "## <AlertName>". */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

export function runbookUrl(base: string, alert: string): string {
  if (!hasPlaceholder(base)) return `${base}#${runbookAnchor(alert)}`;
  return base.replace(PLACEHOLDER, (_match, name: string) => (name === 'alert' ? alert : runbookAnchor(alert)));
}

/** What is wrong with a runbook_base_url, or null. */
export function runbookBaseUrlProblem(base: unknown): string | null {
  const expected =
    'expected an http(s) URL, e.g. https://github.com/you/mlwatch/blob/main/docs/runbook.md (the anchor is appended) ' +
    'or https://wiki.example.com/runbooks/{alert} ({alert} and {anchor} are replaced)';
  if (typeof base !== 'string' || /\s/.test(base)) return `${expected}, got ${JSON.stringify(base) ?? 'nothing'}`;
  const unknown = [...base.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name) => !KNOWN.includes(name));
  if (unknown.length > 0) return `unknown placeholder {${unknown[0]}} (expected {alert} or {anchor}), got ${JSON.stringify(base)}`;
  let url: URL;
  try {
    // Placeholders are not URL syntax: check the URL with a sample alert in them.
    url = new URL(runbookUrl(base, 'MLWatchDown'));
  } catch {
    return `${expected}, got ${JSON.stringify(base)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${expected}, got ${JSON.stringify(base)}`;
  if (!hasPlaceholder(base) && base.includes('#')) {
    return `has a #fragment but no {alert} or {anchor}: appending "#<anchor>" would give two; put {anchor} (or {alert}) where the alert goes, e.g. ${JSON.stringify(`${base.split('#')[0]}#{anchor}`)}`;
  }
  return null;
}

function hasPlaceholder(base: string): boolean {
  return /\{(alert|anchor)\}/.test(base);
}

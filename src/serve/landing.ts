// The landing page at /: for a person opening mlwatch in a browser. Per model what is going
// on — events received, drifted features, data-quality problems, when drift was last
// computed, where to post events — refreshed by the browser on its own (a meta refresh, so
// no script and nothing fetched from elsewhere). Counts are since mlwatch started.
import { NULLABLE_MARGIN, type LandingView, type ModelView, type QualityProblem } from './landing-view.js';

export function landingPage(view: LandingView, version: string): string {
  const models = view.models;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${view.refreshSeconds}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mlwatch${attention(models) > 0 ? ` (${attention(models)} need attention)` : ''}</title>
<style>${STYLE}</style></head>
<body><h1>mlwatch <small>${escape(version)}</small></h1>
<p>${view.ready ? '<span class="ok">ready</span>' : '<span class="bad">not ready</span> (starting or draining)'}
 &middot; ${models.length} model${models.length === 1 ? '' : 's'} &middot; counts since mlwatch started ${ago(view.nowSeconds, view.startedSeconds)}
 &middot; this page refreshes every ${view.refreshSeconds} s
 &middot; <a href="/metrics">/metrics</a> &middot; <a href="/healthz">/healthz</a> &middot; <a href="/readyz">/readyz</a></p>
<table><thead><tr><th>model</th><th>status</th><th>events received</th><th>rejected</th><th>drifted features</th><th>quality problems</th><th>drift computed</th></tr></thead>
<tbody>
${models.map((m) => summaryRow(m, view.nowSeconds)).join('\n')}
</tbody></table>
${models.map((m) => modelSection(m, view.nowSeconds)).join('\n')}
</body></html>
`;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:2em;color:#222}small{color:#777;font-weight:normal}' +
  'table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}' +
  'td.n{text-align:right;font-variant-numeric:tabular-nums}code{background:#f4f4f4;padding:.1em .3em}' +
  '.ok{color:#1a7f37;font-weight:bold}.warn{color:#9a6700;font-weight:bold}.bad{color:#cf222e;font-weight:bold}' +
  'section{border-top:2px solid #eee;margin-top:1em}';

type Status = { text: string; css: 'ok' | 'warn' | 'bad' };

function status(m: ModelView): Status {
  if (m.drifted.length > 0) return { text: `drift in ${m.drifted.length} feature${m.drifted.length === 1 ? '' : 's'}`, css: 'bad' };
  if (m.quality.length > 0 || m.rejected > 0 || m.unknownFields > 0) return { text: 'data-quality problems', css: 'warn' };
  if (m.events === 0) return { text: 'no events yet', css: 'warn' };
  if (m.judged === 0) return { text: `waiting for ${m.minSamples} values per feature to judge drift`, css: 'warn' };
  return { text: 'OK', css: 'ok' };
}

function attention(models: readonly ModelView[]): number {
  return models.filter((m) => status(m).css === 'bad').length;
}

function summaryRow(m: ModelView, now: number): string {
  const s = status(m);
  const quality = m.quality.length === 0 ? 'none' : `${m.quality.length} feature${m.quality.length === 1 ? '' : 's'}`;
  return (
    `<tr><td><a href="#model-${escape(m.name)}">${escape(m.name)}</a></td><td class="${s.css}">${escape(s.text)}</td>` +
    `<td class="n">${count(m.events)}</td><td class="n">${count(m.rejected)}</td>` +
    `<td>${m.judged === 0 ? 'not judged yet' : `${m.drifted.length} of ${m.judged}`}</td><td>${quality}</td>` +
    `<td>${computedAt(m, now)}</td></tr>`
  );
}

function modelSection(m: ModelView, now: number): string {
  const post = m.predictionsUrl === null ? '(the ingest listener is not listening yet)' : `<code>POST ${escape(m.predictionsUrl)}</code>`;
  const unjudged = m.features - m.judged;
  const drift =
    m.judged === 0
      ? `<p>Drift is judged once a feature's window holds ${m.minSamples} values; no feature has that many yet.</p>`
      : `<p>${m.drifted.length === 0 ? 'No feature drifted' : `Drifted: ${m.drifted.map((d) => `<b>${escape(d.feature)}</b> (${escape(d.method)} ${score(d.score)})`).join(', ')}`}` +
        ` &middot; ${m.judged} of ${m.features} features judged${unjudged > 0 ? ` (${unjudged} below ${m.minSamples} window values)` : ''}` +
        ` &middot; prediction ${m.predictionDrifted ? '<span class="bad">drifted</span>' : 'not drifted'}</p>`;
  return `<section id="model-${escape(m.name)}"><h2>${escape(m.name)} <small>${escape(m.task)}, expected version ${escape(m.version)}</small></h2>
<p>Events: ${post} &middot; ${count(m.events)} received, ${count(m.rejected)} rejected, ${count(m.unknownFields)} undeclared feature fields</p>
${drift}
<p>Drift computed: ${computedAt(m, now)} &middot; reference: ${count(m.reference.rows)} rows, built ${escape(m.reference.createdAt)}, checksum <code>${escape(m.reference.checksum.slice(0, 12))}</code></p>
${qualityTable(m)}</section>`;
}

function qualityTable(m: ModelView): string {
  if (m.quality.length === 0) return '<p>Data quality: no problems since start.</p>';
  const cell = (n: number): string => `<td class="n">${n === 0 ? '' : `${count(n)} <small>${share(n, m.events)}</small>`}</td>`;
  const missing = (q: QualityProblem): string => {
    const expected = q.referenceMissingShare === null ? '' : ` <small>(nullable; ${(100 * q.referenceMissingShare).toFixed(1)}% in the reference)</small>`;
    return q.missing === 0 ? cell(0) : `<td class="n">${count(q.missing)} <small>${share(q.missing, m.events)}</small>${expected}</td>`;
  };
  const rows = m.quality.map((q) => `<tr><td>${escape(q.what)}</td>${missing(q)}${cell(q.typeErrors)}${cell(q.outOfRange)}${cell(q.nonFinite)}</tr>`);
  return `<p>Data quality since start (share of events received; a nullable feature's nulls count once they pass its reference null rate by ${100 * NULLABLE_MARGIN} points):</p>
<table><thead><tr><th>feature</th><th>missing</th><th>type errors</th><th>out of range</th><th>non-finite</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function computedAt(m: ModelView, now: number): string {
  if (m.driftComputedAt === 0) return 'not yet';
  return `${ago(now, m.driftComputedAt)} <small>(${new Date(m.driftComputedAt * 1000).toISOString()})</small>`;
}

function ago(now: number, then: number): string {
  const seconds = Math.max(0, Math.round(now - then));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function share(n: number, of: number): string {
  return of > 0 ? `${((100 * n) / of).toFixed(n / of < 0.001 ? 3 : 1)}%` : '';
}

function score(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : String(x);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

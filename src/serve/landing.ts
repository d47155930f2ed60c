// The landing page at /: links, the models, and the state of each reference.
import type { Fleet } from '../monitor/fleet.js';

export function landingPage(fleet: Fleet, ready: boolean): string {
  const rows = fleet.models
    .map(({ monitor }) => {
      const { model, reference } = monitor;
      const drift = monitor.state.model.drift;
      const computed = drift.computedAt > 0 ? new Date(drift.computedAt * 1000).toISOString() : 'not yet';
      return `<tr><td>${escape(model.name)}</td><td>${escape(model.task)}</td><td>${escape(model.version)}</td>` +
        `<td>${model.features.length}</td><td>${reference.rows} rows, built ${escape(reference.created_at)}, ` +
        `checksum ${escape(reference.checksum.slice(0, 12))}</td><td>${computed}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>mlwatch</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left}</style></head>
<body><h1>mlwatch</h1>
<p>Status: ${ready ? 'ready' : 'not ready'} &middot; <a href="/metrics">/metrics</a> &middot; <a href="/healthz">/healthz</a> &middot; <a href="/readyz">/readyz</a></p>
<table><thead><tr><th>model</th><th>task</th><th>expected version</th><th>features</th><th>reference</th><th>drift computed</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

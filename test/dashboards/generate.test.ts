// The committed dashboards/*.json are exactly what the generator in dashboards/src makes:
// regenerate with `npm run dashboards` after changing the code, and commit both.
import { describe, expect, it } from 'vitest';
import { buildDashboards, renderDashboard } from '../../dashboards/src/index.js';
import { committedDashboards } from './dashboards.js';

describe('generated dashboards', () => {
  const generated = buildDashboards();
  const committed = committedDashboards();

  it('are the only JSON files in dashboards/', () => {
    expect(committed.map((c) => c.file)).toEqual(generated.map((g) => g.file).sort());
  });

  it.each(generated.map((g) => [g.file, g] as const))('%s: regenerating changes nothing', (file, g) => {
    const text = committed.find((c) => c.file === file)?.text;
    expect(text, `dashboards/${file} is stale: run npm run dashboards`).toBe(renderDashboard(g.dashboard));
  });

  it('have stable, distinct uids', () => {
    expect(generated.map((g) => g.dashboard.uid)).toEqual(['mlwatch-overview', 'mlwatch-data-quality', 'mlwatch-drift', 'mlwatch-performance']);
  });

  it('generate the same JSON twice (no clock, no randomness)', () => {
    expect(buildDashboards().map((g) => renderDashboard(g.dashboard))).toEqual(generated.map((g) => renderDashboard(g.dashboard)));
  });
});

// `npm run dashboards`: writes every generated dashboard to dashboards/*.json.
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildDashboards, renderDashboard } from './index.js';

const outDir = resolve(process.argv[2] ?? 'dashboards');
for (const { file, dashboard } of buildDashboards()) {
  const path = join(outDir, file);
  await writeFile(path, renderDashboard(dashboard));
  console.log(`wrote ${path}`);
}

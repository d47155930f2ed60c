// Summaries of a V8 .cpuprofile (what `node --cpu-prof` writes): self time per function and
// per area (mlwatch's own code, each npm package, Node internals, GC), idle time left out.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} ProfileNode
 * @property {number} id
 * @property {{ functionName: string, url: string, lineNumber: number, columnNumber: number }} callFrame
 */

/**
 * @typedef {object} SelfTime
 * @property {string} name
 * @property {string} where   file:line (1-based) or ''
 * @property {string} area
 * @property {number} ms
 * @property {number} share   of the busy (non-idle) time
 */

/**
 * @param {string} path
 * @param {string} root   the repository root, to shorten file names
 * @returns {{ busyMs: number, idleMs: number, functions: SelfTime[], areas: { area: string, ms: number, share: number }[] }}
 */
export function summariseProfile(path, root) {
  /** @type {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[] }} */
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const selfUs = new Map();
  // timeDeltas[i + 1] is the time from sample i to the next: what sample i stands for.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }

  /** @type {Map<string, { name: string, where: string, area: string, us: number }>} */
  const functions = new Map();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = /** @type {ProfileNode} */ (byId.get(id)).callFrame;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const file = displayFile(frame.url, root);
    const where = file ? `${file}:${frame.lineNumber + 1}` : '';
    const name = frame.functionName || '(anonymous)';
    const key = `${name}@${where}`;
    const entry = functions.get(key) ?? { name, where, area: areaOf(frame), us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const busyUs = [...functions.values()].reduce((sum, f) => sum + f.us, 0);
  /** @type {Map<string, number>} */
  const areas = new Map();
  for (const f of functions.values()) areas.set(f.area, (areas.get(f.area) ?? 0) + f.us);
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .map((f) => ({ name: f.name, where: f.where, area: f.area, ms: f.us / 1000, share: f.us / busyUs })),
    areas: [...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: us / 1000, share: us / busyUs })),
  };
}

/** @param {ProfileNode['callFrame']} frame */
function areaOf(frame) {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : 'native (V8/C++)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm: ${pkg[1]}`;
  // The sidecar loads no other files of its own: the rest is mlwatch's compiled code.
  return url.startsWith('file://') ? 'mlwatch' : 'other';
}

/**
 * @param {string} url
 * @param {string} root
 */
function displayFile(url, root) {
  if (!url.startsWith('file://')) return url;
  return relative(root, fileURLToPath(url));
}

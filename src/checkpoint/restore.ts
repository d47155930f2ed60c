// Reading the checkpoint back at start, before anything is served. A file that does not read
// (truncated, altered, not a checkpoint) is set aside whole and nothing is restored; parts
// from another config or reference (other fingerprint, a model no longer configured) are
// refused one by one while the rest restores, and the file is set aside too, so the evidence
// survives the next checkpoint. Set aside = renamed beside it, never deleted.
import { readFileSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { CorruptCheckpoint, decodeCheckpoint, type Part } from './format.js';
import type { CheckpointSection } from './section.js';
import { CHECKPOINT_FILE, TEMP_PREFIX } from './write.js';

export type SetAsideReason = 'corrupt' | 'foreign';
export const SET_ASIDE_REASONS: readonly SetAsideReason[] = ['corrupt', 'foreign'];

export interface RestoreOutcome {
  /** Whether a checkpoint file was found. */
  found: boolean;
  /** When the restored checkpoint was written, Unix ms (null when nothing was restored). */
  writtenAtMs: number | null;
  /** section/key of every part restored. */
  restored: string[];
  setAside: { reason: SetAsideReason; path: string | null } | null;
}

export function restoreCheckpoint(dir: string, sections: readonly CheckpointSection[], nowMs: number, log: Logger): RestoreOutcome {
  removeTempFiles(dir, log);
  const path = join(dir, CHECKPOINT_FILE);
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      log.info({ state_dir: dir }, 'no checkpoint to restore: the state starts empty');
      return { found: false, writtenAtMs: null, restored: [], setAside: null };
    }
    // Unreadable (permissions, I/O): nothing to restore from, nothing to rename; serving goes on.
    log.error({ err: error, checkpoint: path }, 'the checkpoint cannot be read: the state starts empty');
    return { found: true, writtenAtMs: null, restored: [], setAside: null };
  }
  let decoded;
  try {
    decoded = decodeCheckpoint(file);
  } catch (error) {
    if (!(error instanceof CorruptCheckpoint)) throw error;
    const aside = setAside(path, 'corrupt', nowMs, log);
    log.error({ checkpoint: path, set_aside_as: aside, problem: error.message, bytes: file.length }, 'CHECKPOINT SET ASIDE: it does not read (corrupt or truncated); the state starts empty');
    return { found: true, writtenAtMs: null, restored: [], setAside: { reason: 'corrupt', path: aside } };
  }
  const bySection = new Map<string, Part[]>();
  for (const part of decoded.parts) {
    const list = bySection.get(part.meta.section) ?? [];
    list.push(part);
    bySection.set(part.meta.section, list);
  }
  const restored: string[] = [];
  const foreign: string[] = [];
  const corrupt: string[] = [];
  const context = { nowMs, writtenAtMs: decoded.writtenAtMs };
  for (const section of sections) {
    let report;
    try {
      report = section.restore(bySection.get(section.name) ?? [], context);
    } catch (error) {
      // A checksummed file this build cannot read (another build's fields): refused as corrupt.
      log.error({ err: error, section: section.name }, 'a checkpoint section did not restore');
      report = { restored: [], foreign: [], corrupt: ['*'] };
    }
    restored.push(...report.restored.map((k) => `${section.name}/${k}`));
    foreign.push(...report.foreign.map((k) => `${section.name}/${k}`));
    corrupt.push(...report.corrupt.map((k) => `${section.name}/${k}`));
    bySection.delete(section.name);
  }
  // A section no store registers (a store this build does not have): left alone, said once.
  if (bySection.size > 0) log.warn({ sections: [...bySection.keys()] }, 'checkpoint sections without a store in this build are not restored');
  const age = (nowMs - decoded.writtenAtMs) / 1000;
  if (foreign.length === 0 && corrupt.length === 0) {
    log.info({ checkpoint: path, restored, age_seconds: age }, 'checkpoint restored');
    return { found: true, writtenAtMs: decoded.writtenAtMs, restored, setAside: null };
  }
  const reason: SetAsideReason = corrupt.length > 0 ? 'corrupt' : 'foreign';
  const aside = setAside(path, reason, nowMs, log);
  log.error(
    { checkpoint: path, set_aside_as: aside, restored, foreign, corrupt, age_seconds: age },
    'CHECKPOINT SET ASIDE: parts of it come from another config or reference (or do not read); those start empty, the rest is restored',
  );
  return { found: true, writtenAtMs: restored.length > 0 ? decoded.writtenAtMs : null, restored, setAside: { reason, path: aside } };
}

/** Rename the checkpoint beside itself; null when even that fails (a read-only folder), which is logged. */
function setAside(path: string, reason: SetAsideReason, nowMs: number, log: Logger): string | null {
  const aside = `${path}.${reason}-${new Date(nowMs).toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(path, aside);
    return aside;
  } catch (error) {
    log.error({ err: error, checkpoint: path }, 'the checkpoint could not be set aside; it will be overwritten by the next checkpoint');
    return null;
  }
}

/** Temp files of writes a crash cut short: never a checkpoint (the rename did not happen). */
function removeTempFiles(dir: string, log: Logger): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    try {
      unlinkSync(join(dir, name));
      log.info({ file: join(dir, name) }, 'removed the temp file of a checkpoint write that did not finish');
    } catch {
      // A read-only folder: the file stays, and does no harm.
    }
  }
}

// Writing a checkpoint atomically: every part into a temp file in the same folder (hashed as
// it goes), the checksum last, fsync the file, rename it over the previous checkpoint, fsync
// the folder. A crash at any point leaves the previous checkpoint whole. Parts are pulled one
// at a time and the loop yields on each write, so the event loop is held only for one part's
// copy (measured: the longest step is returned).
import { createHash } from 'node:crypto';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { packArrays } from './arrays.js';
import { MAGIC, endFrame, frameHead } from './format.js';
import type { CheckpointSection } from './section.js';

export const CHECKPOINT_FILE = 'mlwatch.checkpoint';
export const TEMP_PREFIX = '.mlwatch.checkpoint.';

export interface WriteResult {
  bytes: number;
  durationSeconds: number;
  /** The longest the event loop was held by one step (one part's copy and hash). */
  longestStepSeconds: number;
  /** Bytes per part key, e.g. per model. */
  partBytes: Map<string, number>;
}

export async function writeCheckpoint(dir: string, sections: readonly CheckpointSection[], nowMs: number): Promise<WriteResult> {
  const started = process.hrtime.bigint();
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `${TEMP_PREFIX}${process.pid}.tmp`);
  const hash = createHash('sha256');
  const partBytes = new Map<string, number>();
  let bytes = 0;
  let longest = 0;
  let scratch: Buffer = Buffer.alloc(0);
  const file = await open(temp, 'w', 0o600);
  try {
    const put = async (chunk: Buffer): Promise<void> => {
      await writeAll(file, chunk);
      bytes += chunk.length;
    };
    hash.update(MAGIC);
    await put(MAGIC);
    let parts = 0;
    for (const section of sections) {
      const iterator = section.parts()[Symbol.iterator]();
      for (;;) {
        const stepStart = process.hrtime.bigint();
        const next = iterator.next();
        if (next.done === true) break;
        const part = next.value;
        let payload: Buffer;
        if ('arrays' in part) {
          payload = packArrays(part.arrays, scratch);
          // Grown once to the largest part, then reused: a checkpoint allocates next to nothing.
          if (payload.buffer !== scratch.buffer) scratch = payload;
        } else payload = part.payload;
        const head = frameHead({ ...part.meta, section: section.name }, payload.length);
        hash.update(head);
        hash.update(payload);
        longest = Math.max(longest, Number(process.hrtime.bigint() - stepStart) / 1e9);
        partBytes.set(`${section.name}/${part.meta.key}`, head.length + payload.length);
        parts++;
        await put(head);
        await put(payload);
      }
    }
    const end = endFrame(parts, nowMs);
    hash.update(end);
    await put(end);
    await put(hash.digest());
    await file.sync();
  } catch (error) {
    await file.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await file.close();
  try {
    await rename(temp, join(dir, CHECKPOINT_FILE));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
  return { bytes, durationSeconds: Number(process.hrtime.bigint() - started) / 1e9, longestStepSeconds: longest, partBytes };
}

async function writeAll(file: FileHandle, chunk: Buffer): Promise<void> {
  let at = 0;
  while (at < chunk.length) {
    const { bytesWritten } = await file.write(chunk, at, chunk.length - at);
    at += bytesWritten;
  }
}

/** The rename is durable only once the folder's entry is on disk. */
async function syncFolder(dir: string): Promise<void> {
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

export type WriteFailureReason = 'no_space' | 'read_only' | 'permission' | 'other';
export const WRITE_FAILURE_REASONS: readonly WriteFailureReason[] = ['no_space', 'read_only', 'permission', 'other'];

export function writeFailureReason(error: unknown): WriteFailureReason {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'no_space';
  if (code === 'EROFS') return 'read_only';
  if (code === 'EACCES' || code === 'EPERM') return 'permission';
  return 'other';
}

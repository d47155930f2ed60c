// The checkpoint file: a magic line, then frames, then the sha256 of everything before it.
// A frame is [u32 LE meta bytes][u32 LE payload bytes][meta: JSON][payload: raw bytes]; the
// meta names its section and part (and says what the payload holds), the payload is the
// typed arrays' bytes as they are in memory (little-endian doubles on every platform Node
// runs on). The last frame is the end frame: a file cut short has none, and fails the checksum.
import { createHash } from 'node:crypto';

export const MAGIC = Buffer.from('MLWATCH-CHECKPOINT v1\n', 'ascii');
const FRAME_HEADER = 8;
const DIGEST_BYTES = 32;
/** A part's payload stays well under a u32 (a model of 2 GiB would fail the cell budget long before). */
const MAX_PAYLOAD = 0xffff_ffff;
const END_SECTION = '__end__';

export interface PartMeta {
  section: string;
  key: string;
  [field: string]: unknown;
}

export interface Part {
  meta: PartMeta;
  payload: Buffer;
}

/** A frame's header and meta; its payload follows it in the file as it is (no copy). */
export function frameHead(meta: PartMeta, payloadLength: number): Buffer {
  if (payloadLength > MAX_PAYLOAD) throw new Error(`checkpoint part ${meta.section}/${meta.key} is ${payloadLength} bytes, more than a frame holds`);
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const head = Buffer.allocUnsafe(FRAME_HEADER + metaBytes.length);
  head.writeUInt32LE(metaBytes.length, 0);
  head.writeUInt32LE(payloadLength, 4);
  metaBytes.copy(head, FRAME_HEADER);
  return head;
}

export function encodeFrame(meta: PartMeta, payload: Buffer): Buffer {
  return Buffer.concat([frameHead(meta, payload.length), payload]);
}

/** The end frame: how many parts came before it and when the checkpoint was taken. */
export function endFrame(parts: number, writtenAtMs: number): Buffer {
  return encodeFrame({ section: END_SECTION, key: '', parts, written_at_ms: writtenAtMs }, Buffer.alloc(0));
}

export class CorruptCheckpoint extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptCheckpoint';
  }
}

export interface DecodedCheckpoint {
  parts: Part[];
  writtenAtMs: number;
}

/** Every part of a whole file; throws CorruptCheckpoint when it is not one (checksum, truncation, framing). */
export function decodeCheckpoint(file: Buffer): DecodedCheckpoint {
  if (file.length < MAGIC.length + DIGEST_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new CorruptCheckpoint('not an mlwatch checkpoint (no magic line, or shorter than one)');
  }
  const body = file.subarray(0, file.length - DIGEST_BYTES);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(file.subarray(file.length - DIGEST_BYTES))) throw new CorruptCheckpoint('checksum mismatch (truncated or altered)');
  const parts: Part[] = [];
  let at = MAGIC.length;
  while (at < body.length) {
    if (at + FRAME_HEADER > body.length) throw new CorruptCheckpoint(`frame header cut at byte ${at}`);
    const metaLength = body.readUInt32LE(at);
    const payloadLength = body.readUInt32LE(at + 4);
    const metaStart = at + FRAME_HEADER;
    const payloadStart = metaStart + metaLength;
    const next = payloadStart + payloadLength;
    if (next > body.length) throw new CorruptCheckpoint(`frame at byte ${at} runs past the end`);
    const meta = parseMeta(body.subarray(metaStart, payloadStart), at);
    if (meta.section === END_SECTION) {
      if (next !== body.length) throw new CorruptCheckpoint('bytes after the end frame');
      if (meta.parts !== parts.length) throw new CorruptCheckpoint(`end frame counts ${String(meta.parts)} parts, the file holds ${parts.length}`);
      return { parts, writtenAtMs: Number(meta.written_at_ms) };
    }
    parts.push({ meta, payload: body.subarray(payloadStart, next) });
    at = next;
  }
  throw new CorruptCheckpoint('no end frame');
}

function parseMeta(bytes: Buffer, at: number): PartMeta {
  let meta: unknown;
  try {
    meta = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CorruptCheckpoint(`frame at byte ${at}: its meta is not JSON`);
  }
  if (typeof meta !== 'object' || meta === null || typeof (meta as PartMeta).section !== 'string' || typeof (meta as PartMeta).key !== 'string') {
    throw new CorruptCheckpoint(`frame at byte ${at}: its meta names no section and key`);
  }
  return meta as PartMeta;
}

export const CHECKPOINT_DIGEST_BYTES = DIGEST_BYTES;

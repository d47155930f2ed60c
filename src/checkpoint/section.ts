// What a checkpoint is made of: named sections, each a store of the sidecar that can take a
// snapshot of itself and be given one back. The model states and the fleet's counters are
// two; another store (e.g. a label-join store) registers its own, and the file format does
// not change. A section's parts are taken one at a time, each consistent on its own: the
// writer yields to the event loop between two parts, never inside one.
import type { Part } from './format.js';

/**
 * A part as a section makes it: its key (model name, table) and whatever else it must read
 * back, as JSON; then its bytes, either as typed arrays (copied by the writer into a buffer it
 * reuses, so a checkpoint allocates next to nothing) or as a buffer of the section's own.
 */
export type SectionPart = { meta: { key: string } } & ({ arrays: readonly Float64Array[] } | { payload: Buffer });

export interface RestoreReport {
  /** Parts given back (e.g. model names). */
  restored: string[];
  /** Parts refused because they come from another config or reference (other fingerprint). */
  foreign: string[];
  /** Parts refused because they do not read (lengths, fields). */
  corrupt: string[];
}

export interface CheckpointSection {
  /** Unique among sections; written into every part's meta. */
  readonly name: string;
  /**
   * The parts of a snapshot, made lazily: the writer pulls one, writes it, yields, pulls the
   * next. Each must copy what it needs when it is pulled (the state moves on meanwhile).
   */
  parts(): Iterable<SectionPart>;
  /** Take back the parts a checkpoint holds for this section (possibly none); whatever it cannot use starts empty. */
  restore(parts: readonly Part[], context: RestoreContext): RestoreReport;
}

export interface RestoreContext {
  /** Now, Unix ms: windows drop the sub-windows that have left them. */
  nowMs: number;
  /** When the checkpoint was written, Unix ms. */
  writtenAtMs: number;
}

export class SectionRegistry {
  private readonly sections = new Map<string, CheckpointSection>();

  register(section: CheckpointSection): void {
    if (this.sections.has(section.name)) throw new Error(`checkpoint section "${section.name}" is registered twice`);
    this.sections.set(section.name, section);
  }

  get all(): CheckpointSection[] {
    return [...this.sections.values()];
  }

  get(name: string): CheckpointSection | undefined {
    return this.sections.get(name);
  }
}

export function emptyReport(): RestoreReport {
  return { restored: [], foreign: [], corrupt: [] };
}

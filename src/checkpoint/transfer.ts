// A reload's state move, in memory, through the checkpoint sections: the old core's parts
// (as a checkpoint would write them) restored into the new core's sections. A model whose
// fingerprint is unchanged gets everything back (counters, windows, drift results); one whose
// config or reference changed is refused by the section as foreign, and gets its cumulative
// counters only (carry-counters.ts): a fresh window and drift result against the new
// reference. A model no longer configured has nowhere to go; a new one starts empty.
import type { Logger } from '../log.js';
import type { Fleet } from '../monitor/fleet.js';
import type { InferenceIngest } from '../integrations/inference-ingest.js';
import { carryCounters } from '../monitor/carry-counters.js';
import { packArrays } from './arrays.js';
import { CountersSection, fleetCounterTables } from './counters-section.js';
import type { Part } from './format.js';
import { LabelsSection, labelModelsOf } from './labels-section.js';
import { ModelsSection, modelsOf } from './model-section.js';
import type { CheckpointSection } from './section.js';

export interface TransferOutcome {
  /** Models whose whole state moved (config and reference unchanged). */
  kept: string[];
  /** Models whose counters continue with a fresh window (config or reference changed). */
  fresh: string[];
  /** New models (they start empty). */
  added: string[];
  /** Models no longer configured (their series disappear). */
  removed: string[];
}

export interface StateOwner {
  fleet: Fleet;
  inference: InferenceIngest;
}

export function transferState(from: StateOwner, to: StateOwner, nowMs: number, log: Logger): TransferOutcome {
  const names = (fleet: Fleet): string[] => fleet.models.map((m) => m.monitor.model.name);
  const fromSections = sectionsOf(from, names);
  const toSections = sectionsOf(to, names);
  const context = { nowMs, writtenAtMs: nowMs };
  const models = toSections.models.restore(partsOf(fromSections.models), context);
  toSections.counters.restore(partsOf(fromSections.counters), context);
  // Labels move with an unchanged model; a changed one starts its join store and realised
  // performance empty (its cells may no longer be the same ones).
  toSections.labels.restore(partsOf(fromSections.labels), context);

  const outcome: TransferOutcome = { kept: models.restored, fresh: [], added: [], removed: names(from.fleet).filter((n) => !to.fleet.byName.has(n)) };
  for (const m of to.fleet.models) {
    const name = m.monitor.model.name;
    const old = from.fleet.byName.get(name);
    if (old === undefined) outcome.added.push(name);
    else if (!models.restored.includes(name)) {
      const carried = carryCounters(old.monitor.state, m.monitor.state);
      outcome.fresh.push(name);
      log.info(
        {
          model: name,
          histograms_reset: carried.binsReset,
          latency_histogram_reset: carried.latencyReset,
          cells_dropped: carried.cellsDropped,
        },
        carried.binsReset.length === 0
          ? 'reload: the model\'s config or reference changed; its counters continue, its drift window starts fresh'
          : 'reload: the model\'s config or reference changed; its counters continue, its drift window starts fresh, and the histograms of features whose bin edges changed start empty (their old bins have no counterpart)',
      );
    }
  }
  return outcome;
}

function sectionsOf(owner: StateOwner, names: (fleet: Fleet) => string[]): { models: CheckpointSection; counters: CheckpointSection; labels: CheckpointSection } {
  return {
    models: new ModelsSection(modelsOf(owner.fleet)),
    labels: new LabelsSection(labelModelsOf(owner.fleet)),
    counters: new CountersSection(() => names(owner.fleet), fleetCounterTables(owner.fleet, owner.inference)),
  };
}

/** The section's snapshot as the parts of a checkpoint file (meta and bytes). */
function partsOf(section: CheckpointSection): Part[] {
  const parts: Part[] = [];
  for (const part of section.parts()) {
    const payload = 'arrays' in part ? packArrays(part.arrays) : part.payload;
    parts.push({ meta: { ...part.meta, section: section.name }, payload });
  }
  return parts;
}

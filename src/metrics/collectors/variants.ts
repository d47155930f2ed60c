// Variants compared with the default one, live: each variant's prediction divergence from the
// default variant's window, and — for requests both scored — how often they agree and how far
// apart their scores are; plus the predictions that found no pair.
import type { Cell } from '../../monitor/cell.js';
import { divergenceMethodsOf } from '../../monitor/divergence.js';
import type { Fleet } from '../../monitor/fleet.js';
import { UNPAIRED_REASONS, type PairingStore } from '../../monitor/pairing.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import type { Sample } from '../family.js';

interface VariantSamples {
  cell: Cell;
  divergence: Sample[];
  paired: Sample;
  agreeing: Sample;
  scored: Sample;
  difference: Sample;
}

export class VariantsCollector implements Collector {
  readonly name = 'variants';
  private readonly f = families({
    divergence: METRICS.variantPredictionDivergence,
    paired: METRICS.variantPairedPredictions,
    agreeing: METRICS.variantAgreeingPredictions,
    scored: METRICS.variantScoredPairs,
    difference: METRICS.variantScoreDifference,
    unpaired: METRICS.variantUnpairedPredictions,
  });
  readonly families = Object.values(this.f);
  private readonly variants: VariantSamples[] = [];
  private readonly unpaired: { store: PairingStore; samples: Sample[] }[] = [];

  constructor(fleet: Fleet) {
    for (const { monitor } of fleet.models) {
      const { state } = monitor;
      const index = state.index;
      // Divergence needs only variants; pairing (and its unpaired counts) only shadows.
      if (!index.sliced) continue;
      const model = monitor.model.name;
      const methods = divergenceMethodsOf(monitor.layout);
      index.variantNames.forEach((variant, v) => {
        if (v === index.defaultVariant) return;
        const labels = { model, variant };
        const made: VariantSamples = {
          cell: state.cells[index.variantCell(v)],
          divergence: methods.map((method) => ({ labels: { ...labels, method }, value: NaN })),
          paired: { labels, value: 0 },
          agreeing: { labels, value: 0 },
          scored: { labels, value: 0 },
          difference: { labels, value: 0 },
        };
        this.variants.push(made);
      });
      if (state.pairing === null) continue;
      const samples = UNPAIRED_REASONS.map((reason) => ({ labels: { model, reason }, value: 0 }));
      this.f.unpaired.samples.push(...samples);
      this.unpaired.push({ store: state.pairing, samples });
    }
  }

  update(): void {
    const divergence: Sample[] = [];
    for (const family of [this.f.paired, this.f.agreeing, this.f.scored, this.f.difference]) family.samples = [];
    for (const v of this.variants) {
      // A variant that has served nothing yet adds no series (as every slice).
      if (!hasEvents(v.cell)) continue;
      this.f.paired.samples.push(v.paired);
      this.f.agreeing.samples.push(v.agreeing);
      this.f.scored.samples.push(v.scored);
      this.f.difference.samples.push(v.difference);
      const pairs = v.cell.pairs;
      v.paired.value = pairs.paired;
      v.agreeing.value = pairs.agreeing;
      v.scored.value = pairs.scored;
      v.difference.value = pairs.scoreDifference;
      v.divergence.forEach((sample, k) => {
        sample.value = v.cell.divergence[k];
        if (!Number.isNaN(sample.value)) divergence.push(sample);
      });
    }
    this.f.divergence.samples = divergence;
    for (const u of this.unpaired) u.samples.forEach((sample, k) => (sample.value = u.store.unpaired[k]));
  }
}

function hasEvents(cell: Cell): boolean {
  for (let v = 0; v < cell.versionCounts.length; v++) if (cell.versionCount(v) > 0) return true;
  return false;
}

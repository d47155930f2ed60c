// The views a scrape exports: each model as a whole, and — when configured — each of its
// variants and each value of its segment features. A scope pairs a cell reader with the labels
// that name it; a collector writes the same samples for every scope, into the families of the
// scope's kind (mlwatch_…, mlwatch_variant_…, mlwatch_segment_…).
import type { CellReader } from '../monitor/cell-reader.js';
import type { Fleet, MonitoredModel } from '../monitor/fleet.js';
import {
  METRICS,
  SEGMENT_METRICS,
  VARIANT_METRICS,
  type MetricDefinition,
  type SliceKind,
} from './definitions.js';
import { MetricFamily, type Sample } from './family.js';

export type ScopeKind = 'model' | SliceKind;

export interface Scope {
  kind: ScopeKind;
  model: MonitoredModel;
  reader: CellReader;
  /** `model`, then the slice's labels. */
  labels: Record<string, string>;
}

export function scopesOf(fleet: Fleet): Scope[] {
  const scopes: Scope[] = [];
  for (const m of fleet.models) {
    const state = m.monitor.state;
    const model = m.monitor.model.name;
    scopes.push({ kind: 'model', model: m, reader: state.model, labels: { model } });
    const index = state.index;
    if (index.sliced) {
      index.variantNames.forEach((variant, v) => {
        scopes.push({ kind: 'variant', model: m, reader: state.cells[index.variantCell(v)], labels: { model, variant } });
      });
    }
    index.segments.forEach((segment, s) => {
      segment.values.forEach((value, k) => {
        const labels = { model, segment: segment.feature, segment_value: value };
        scopes.push({ kind: 'segment', model: m, reader: state.cells[index.segmentCell(s, k)], labels });
      });
    });
  }
  return scopes;
}

type BaseKey = keyof typeof METRICS;

function definitionOf(kind: ScopeKind, key: BaseKey): MetricDefinition | undefined {
  if (kind === 'model') return METRICS[key];
  const sliced: Partial<Record<string, MetricDefinition>> = kind === 'variant' ? VARIANT_METRICS : SEGMENT_METRICS;
  return sliced[key];
}

/** A collector's families for every scope kind: the base metric and its sliced twins. */
export class ScopedFamilies<K extends BaseKey> {
  private readonly byKind = new Map<ScopeKind, Map<K, MetricFamily>>();

  constructor(keys: readonly K[]) {
    for (const kind of ['model', 'variant', 'segment'] as const) {
      const families = new Map<K, MetricFamily>();
      for (const key of keys) {
        const definition = definitionOf(kind, key);
        if (definition) families.set(key, new MetricFamily(definition));
      }
      this.byKind.set(kind, families);
    }
  }

  /** The family of `key` for scopes of `kind`, or null when that kind does not export it. */
  get(kind: ScopeKind, key: K): MetricFamily | null {
    return this.byKind.get(kind)?.get(key) ?? null;
  }

  all(): MetricFamily[] {
    return [...this.byKind.values()].flatMap((families) => [...families.values()]);
  }
}

/** Events a scope's cells have counted (every version together). */
export function eventsOf(scope: Scope): number {
  const versions = scope.model.monitor.state.versions;
  let total = 0;
  for (let v = 0; v <= versions.capacity; v++) total += scope.reader.versionCount(v);
  return total;
}

/**
 * A slice is exported once it has seen an event, the whole model always: a segment value or
 * a variant that never occurs adds no series, while the bound (every slice) stays the config's.
 */
export function isLive(scope: Scope): boolean {
  return scope.kind === 'model' || eventsOf(scope) > 0;
}

/**
 * Samples made once per (family, scope) and published at each update for the live scopes
 * only, in the order they were added.
 */
export class ScopeSamples {
  private readonly groups: { family: MetricFamily; scope: Scope; samples: readonly Sample[] }[] = [];
  private readonly families = new Set<MetricFamily>();

  add(family: MetricFamily, scope: Scope, samples: readonly Sample[]): void {
    this.groups.push({ family, scope, samples });
    this.families.add(family);
  }

  publish(): void {
    for (const family of this.families) family.samples = [];
    const live = new Map<Scope, boolean>();
    for (const g of this.groups) {
      let on = live.get(g.scope);
      if (on === undefined) live.set(g.scope, (on = isLive(g.scope)));
      if (on) for (const sample of g.samples) g.family.samples.push(sample);
    }
  }
}

// Reloads of the config and references: whether the last one loaded, when the config in use
// was loaded, and per model which reference it is measured against and since when — so a
// dashboard can mark a reference change (the ML Test Score's "dependency change" monitor).
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';

/** What a reference's _info series shows of its checksum. */
export const CHECKSUM_PREFIX_CHARS = 12;

export interface ReloadStatus {
  /** False after a refused reload, until one loads. */
  lastSuccessful: boolean;
  /** When the config in use was loaded (start or last successful reload), Unix ms. */
  lastSuccessMs: number;
  /** Per configured model: its reference's checksum and when that reference (or the model's config) took effect, Unix ms. */
  references: Map<string, { checksum: string; loadedAtMs: number }>;
}

export class ReloadCollector implements Collector {
  readonly name = 'reload';
  private readonly f = families({
    successful: METRICS.configLastReloadSuccessful,
    success: METRICS.configLastReloadSuccess,
    info: METRICS.referenceInfo,
    loaded: METRICS.referenceLoaded,
  });
  readonly families = Object.values(this.f);

  constructor(private readonly status: ReloadStatus) {}

  update(): void {
    const { f, status } = this;
    f.successful.samples = [{ labels: {}, value: status.lastSuccessful ? 1 : 0 }];
    f.success.samples = [{ labels: {}, value: status.lastSuccessMs / 1000 }];
    const models = [...status.references];
    f.info.samples = models.map(([model, r]) => ({ labels: { model, checksum: r.checksum.slice(0, CHECKSUM_PREFIX_CHARS) }, value: 1 }));
    f.loaded.samples = models.map(([model, r]) => ({ labels: { model }, value: r.loadedAtMs / 1000 }));
  }
}

// Model-server integrations: KServe logger CloudEvents by type, halves let go unpaired, the
// halves waiting and their bytes, payloads that could not be read. Samples are made once
// and handed to the families at every update, so a failed scrape costs only that scrape.
import type { Fleet } from '../../monitor/fleet.js';
import { OTHER_CATEGORY } from '../../reference/types.js';
import { SIDES, UNPAIRED_REASONS } from '../../integrations/counters.js';
import type { InferenceIngest } from '../../integrations/inference-ingest.js';
import { PAYLOAD_REASONS } from '../../integrations/problems.js';
import { METRICS } from '../definitions.js';
import { families, type Collector } from '../collector.js';
import type { Sample } from '../family.js';

export class InferenceIntegrationsCollector implements Collector {
  readonly name = 'inference_integrations';
  private readonly f = families({
    cloudEvents: METRICS.kserveCloudEvents,
    unpaired: METRICS.kserveUnpaired,
    pending: METRICS.kservePending,
    pendingBytes: METRICS.kservePendingBytes,
    payloadsRejected: METRICS.inferencePayloadsRejected,
  });
  readonly families = Object.values(this.f);
  private readonly cloudEvents: Sample[];
  private readonly unpaired: Sample[];
  private readonly pending: Sample[];
  private readonly pendingBytes: Sample[] = [{ labels: {}, value: 0 }];
  private readonly payloadsRejected: Sample[];

  constructor(
    fleet: Fleet,
    private readonly ingest: InferenceIngest,
  ) {
    const models = fleet.models.map((m) => m.monitor.model.name);
    const withOther = [...models, OTHER_CATEGORY];
    // Sample order matches each counter array's layout.
    this.cloudEvents = withOther.flatMap((model) => SIDES.map((type) => ({ labels: { model, type }, value: 0 })));
    this.unpaired = models.flatMap((model) =>
      SIDES.flatMap((type) => UNPAIRED_REASONS.map((reason) => ({ labels: { model, type, reason }, value: 0 }))),
    );
    this.pending = models.map((model) => ({ labels: { model }, value: 0 }));
    this.payloadsRejected = withOther.flatMap((model) => PAYLOAD_REASONS.map((reason) => ({ labels: { model, reason }, value: 0 })));
  }

  update(): void {
    const { counters, pending } = this.ingest;
    fill(this.cloudEvents, counters.cloudEvents);
    fill(this.unpaired, counters.unpaired);
    fill(this.pending, pending.perModel);
    fill(this.payloadsRejected, counters.payloadsRejected);
    this.pendingBytes[0].value = pending.bytes;
    this.f.cloudEvents.samples = this.cloudEvents;
    this.f.unpaired.samples = this.unpaired;
    this.f.pending.samples = this.pending;
    this.f.pendingBytes.samples = this.pendingBytes;
    this.f.payloadsRejected.samples = this.payloadsRejected;
  }
}

function fill(samples: Sample[], values: Float64Array): void {
  if (samples.length !== values.length) throw new Error(`expected ${samples.length} counter values, got ${values.length}`);
  for (let i = 0; i < samples.length; i++) samples[i].value = values[i];
}

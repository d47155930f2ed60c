// The landing page at /: what a person opening mlwatch sees — per model the events received
// and rejected, the drifted features, the data-quality problems, when drift was computed and
// where to post events — refreshing on its own, with nothing fetched from elsewhere.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../../src/monitor/fleet.js';
import { landingPage } from '../../src/serve/landing.js';
import { landingView } from '../../src/serve/landing-view.js';
import { startSidecar, type Sidecar } from '../../src/serve/sidecar.js';
import { createModelFixture, type ModelFixture } from '../support/model-fixture.js';
import { normal, numericSketch, seededRandom, syntheticReference, testConfig, testModel, testReference } from '../support/synthetic-reference.js';

const NOW = 2_000_000_000;

function fleetWithTraffic(shift: number) {
  const fleet = new Fleet(testConfig(), new Map([['shop', testReference()]]), () => (NOW - 60) * 1000);
  const { monitor } = fleet.models[0];
  const random = seededRandom(3);
  for (let i = 0; i < 400; i++) {
    // Inside the reference's min..max (about 50..150), so only the problems a test adds count.
    const price = Math.min(140, Math.max(60, normal(random, 100 + shift, 15)));
    // country and returning as in testReference(): only price moves.
    const country = random() < 0.5 ? 'DE' : random() < 0.6 ? 'FR' : 'US';
    monitor.record({ features: { price, country, returning: random() < 0.3 }, prediction: { score: random() } });
  }
  return fleet;
}

function render(fleet: Fleet, ingestUrl = 'http://127.0.0.1:9801'): string {
  return landingPage(landingView(fleet, { ready: true, ingestUrl }, NOW), '9.9.9');
}

describe('the landing page', () => {
  it('before drift is computed: events, where to post, "not yet", and a status that says what it waits for', () => {
    const html = render(fleetWithTraffic(0));
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toContain('<code>POST http://127.0.0.1:9801/v1/models/shop/predictions</code>');
    expect(html).toMatch(/<td class="n">400<\/td><td class="n">0<\/td><td>not judged yet<\/td><td>none<\/td><td>not yet<\/td>/);
    expect(html).toContain('waiting for 50 values per feature to judge drift');
    expect(html).toContain('Data quality: no problems since start.');
    expect(html).toContain('mlwatch <small>9.9.9</small>');
  });

  it('with drift and quality problems: the drifted feature with its score, each problem with its share, the time of the computation', () => {
    const fleet = fleetWithTraffic(40);
    const { monitor, index } = fleet.models[0];
    monitor.record({ features: { price: 'cheap', country: 'XX', returning: true }, prediction: { score: 0.5 } });
    monitor.record({ features: { country: 'DE', returning: false }, prediction: { score: 0.5 } });
    fleet.rejections.add(index, 'invalid_event', 3);
    fleet.computeAllDrift((NOW - 7) * 1000);
    const html = render(fleet);
    expect(html).toContain('<title>mlwatch (1 need attention)</title>');
    expect(html).toContain('<td class="bad">drift in 1 feature</td>');
    expect(html).toMatch(/Drifted: <b>price<\/b> \(psi \d\.\d+\)/);
    expect(html).toContain('<td class="n">402</td><td class="n">3</td><td>1 of 3</td><td>2 features</td>');
    expect(html).toContain('<tr><td>country</td><td class="n"></td><td class="n"></td><td class="n">1 <small>0.2%</small></td><td class="n"></td></tr>');
    expect(html).toContain(`7 s ago <small>(${new Date((NOW - 7) * 1000).toISOString()})</small>`);
    // price: one type error and one missing (not nullable) in 402 events; country's XX is out of range.
    expect(html).toContain('<tr><td>price</td><td class="n">1 <small>0.2%</small></td><td class="n">1 <small>0.2%</small></td><td class="n"></td><td class="n"></td></tr>');
    const psi = /Drifted: <b>price<\/b> \(psi ([\d.]+)\)/.exec(html)?.[1];
    expect(Number(psi)).toBeGreaterThan(0.2);
  });

  it('a nullable feature\'s nulls are a problem only past its reference null rate plus 5 points', () => {
    const model = testModel({ features: [{ name: 'price', type: 'numeric', nullable: true }, { name: 'country', type: 'categorical', nullable: false }, { name: 'returning', type: 'boolean', nullable: false }] });
    const reference = testReference(model);
    const fleet = new Fleet(testConfig([model]), new Map([['shop', reference]]));
    const { monitor } = fleet.models[0];
    for (let i = 0; i < 100; i++) monitor.record({ features: { price: i < 4 ? null : 100, country: 'DE', returning: true }, prediction: 0.5 });
    expect(render(fleet)).toContain('Data quality: no problems since start.'); // 4% nulls, reference 0%: within 5 points
    for (let i = 0; i < 10; i++) monitor.record({ features: { price: null, country: 'DE', returning: true }, prediction: 0.5 });
    expect(render(fleet)).toContain('<tr><td>price</td><td class="n">14 <small>12.7%</small> <small>(nullable; 0.0% in the reference)</small></td>');
  });

  it('escapes names, and fetches nothing from elsewhere (no script, stylesheet or image; every link local)', () => {
    const name = 'price <script>alert(1)</script>';
    const model = testModel({ features: [{ name, type: 'numeric', nullable: false }] });
    const reference = syntheticReference(model, { [name]: numericSketch([1, 2, 3, 4]) }, numericSketch([0.1, 0.9]));
    const fleet = new Fleet(testConfig([model]), new Map([['shop', reference]]));
    fleet.models[0].monitor.record({ features: { [name]: 'x' }, prediction: 0.5 });
    const html = render(fleet);
    expect(html).not.toContain('<script');
    expect(html).toContain('price &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/url\(|@import/);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^(\/|#)/);
  });
});

describe('GET / on a running sidecar', () => {
  let fixture: ModelFixture;
  let sidecar: Sidecar;
  beforeAll(async () => {
    fixture = await createModelFixture();
    sidecar = await startSidecar(fixture.config, {
      ingestListen: { host: '127.0.0.1', port: 0 },
      metricsListen: { host: '127.0.0.1', port: 0 },
      processMetrics: false,
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await sidecar?.close();
    await fixture?.cleanup();
  });

  it('shows the real ingest URL and the events posted, uncached', async () => {
    const url = `${sidecar.ingestUrl}/v1/models/shop/predictions`;
    const events = Array.from({ length: 5 }, () => ({ features: { price: 100, country: 'DE', returning: true }, prediction: { score: 0.3 } }));
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) })).status).toBe(200);
    const response = await fetch(`${sidecar.metricsUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain(`<code>POST ${url}</code>`);
    expect(html).toContain('5 received, 0 rejected');
    expect(html).toContain('<span class="ok">ready</span>');
  });
});

// A collector that throws is absent for that scrape only: the next scrapes carry every one
// of its series again, including those it builds once at construction (model info, deploy
// time, reference ratios), and mlwatch_scrape_collector_success says which scrape failed.
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { MetricsRegistry, createCollectors } from '../../src/metrics/registry.js';
import { Fleet } from '../../src/monitor/fleet.js';
import { seededRandom, testConfig, testReference } from '../support/synthetic-reference.js';

const silent = pino({ level: 'silent' });

function fleetWithTraffic(): Fleet {
  const fleet = new Fleet(testConfig(), new Map([['shop', testReference()]]));
  const random = seededRandom(7);
  for (let i = 0; i < 300; i++) {
    fleet.models[0].monitor.record({
      features: { price: 80 + 40 * random(), country: i % 3 === 0 ? 'FR' : 'DE', returning: i % 2 === 0 },
      prediction: { score: random() },
      latency_ms: 12,
    });
  }
  fleet.computeAllDrift(1000);
  return fleet;
}

/** The series of a scrape (name{labels} lines without their values), in order. */
function seriesOf(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.slice(0, line.lastIndexOf(' ')));
}

/** The scrape less the collector durations, which differ at every scrape. */
function stable(text: string): string {
  return text.replace(/^mlwatch_scrape_collector_duration_seconds\{.*\n/gm, '');
}

function collectorSuccess(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`mlwatch_scrape_collector_success{collector="${name}"} `));
  return Number(line?.split(' ')[1]);
}

/** Series that belong to the named collector's families. */
function seriesOfCollector(registry: MetricsRegistry, name: string, text: string): string[] {
  const collector = registry.collectors.find((c) => c.name === name);
  const families = new Set(collector?.families.map((f) => f.name));
  return seriesOf(text).filter((s) => families.has(s.replace(/(_bucket|_sum|_count)?(\{.*)?$/, '')));
}

describe('a collector that fails once', () => {
  it('the traffic collector, failing on the rejection counts it reads, is absent for that scrape only', async () => {
    const fleet = fleetWithTraffic();
    const registry = new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false });
    const healthy = await registry.render();
    const trafficSeries = seriesOfCollector(registry, 'traffic', healthy);
    expect(trafficSeries).toContain('mlwatch_model_info{model="shop",version="1.0.0"}');
    expect(trafficSeries).toContain('mlwatch_model_deploy_timestamp_seconds{model="shop"}');

    vi.spyOn(fleet.rejections, 'get').mockImplementationOnce(() => {
      throw new Error('injected: rejection counts unreadable');
    });
    const failed = await registry.render();
    expect(collectorSuccess(failed, 'traffic')).toBe(0);
    expect(seriesOfCollector(registry, 'traffic', failed)).toEqual([]);
    // The other collectors are untouched.
    expect(seriesOf(failed).filter((s) => !trafficSeries.includes(s))).toEqual(seriesOf(healthy).filter((s) => !trafficSeries.includes(s)));

    for (let scrape = 0; scrape < 3; scrape++) {
      const after = await registry.render();
      expect(collectorSuccess(after, 'traffic')).toBe(1);
      expect(seriesOf(after)).toEqual(seriesOf(healthy));
      expect(stable(after)).toBe(stable(healthy));
    }
  });

  it.each(['traffic', 'quality', 'distribution', 'drift'])(
    'the %s collector, throwing after it wrote half its samples, comes back whole at the next scrape',
    async (name) => {
      const fleet = fleetWithTraffic();
      const registry = new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false });
      const healthy = await registry.render();
      const own = seriesOfCollector(registry, name, healthy);
      expect(own.length).toBeGreaterThan(0);
      const collector = registry.collectors.find((c) => c.name === name)!;
      const update = collector.update.bind(collector);
      vi.spyOn(collector, 'update').mockImplementationOnce(() => {
        update();
        throw new Error(`injected: ${name} fails after updating`);
      });
      const failed = await registry.render();
      expect(collectorSuccess(failed, name)).toBe(0);
      expect(seriesOfCollector(registry, name, failed)).toEqual([]);
      for (let scrape = 0; scrape < 3; scrape++) {
        const after = await registry.render();
        expect(collectorSuccess(after, name)).toBe(1);
        expect(stable(after)).toBe(stable(healthy));
      }
    },
  );
});

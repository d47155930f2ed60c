// A family writes the text exposition format itself: escaped label values and help, the
// special values, histogram series names, and a series text made once per sample.
import { describe, expect, it } from 'vitest';
import { MetricFamily, formatValue } from '../../src/metrics/family.js';

describe('MetricFamily.render', () => {
  it('escapes label values and help as the text format requires', () => {
    const family = new MetricFamily({ name: 'mlwatch_test', type: 'gauge', labels: ['model', 'category'], help: 'A \\ help\nline' });
    family.samples = [{ labels: { model: 'a"b', category: 'back\\slash\nnew' }, value: 1.5 }];
    expect(family.render()).toBe(
      '# HELP mlwatch_test A \\\\ help\\nline\n# TYPE mlwatch_test gauge\nmlwatch_test{model="a\\"b",category="back\\\\slash\\nnew"} 1.5\n',
    );
  });

  it('writes NaN and infinities, histogram series names, and no braces without labels', () => {
    const family = new MetricFamily({ name: 'mlwatch_h', type: 'histogram', labels: [], help: 'h' });
    family.samples = [
      { metricName: 'mlwatch_h_bucket', labels: { le: '+Inf' }, value: 3 },
      { metricName: 'mlwatch_h_sum', labels: {}, value: Infinity },
      { metricName: 'mlwatch_h_count', labels: {}, value: 3 },
    ];
    expect(family.render().split('\n').slice(2)).toEqual(['mlwatch_h_bucket{le="+Inf"} 3', 'mlwatch_h_sum +Inf', 'mlwatch_h_count 3', '']);
    expect([NaN, -Infinity, 1e21, 0.1].map(formatValue)).toEqual(['NaN', '-Inf', '1e+21', '0.1']);
  });

  it('makes the series text once and then only writes the new value', () => {
    const family = new MetricFamily({ name: 'mlwatch_c_total', type: 'counter', labels: ['model'], help: 'c' });
    const sample = { labels: { model: 'm' }, value: 1 };
    family.samples = [sample];
    family.render();
    sample.labels.model = 'changed after the first scrape';
    sample.value = 2;
    expect(family.render()).toContain('mlwatch_c_total{model="m"} 2\n');
  });
});

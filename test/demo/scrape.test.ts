import { describe, expect, it } from 'vitest';
import { formatTable, readModel } from '../../src/demo/report.js';
import { ExpositionSyntaxError, parseExposition, selectSamples, sumSamples } from '../../src/demo/scrape.js';

const SAMPLE = `# HELP mlwatch_feature_drift Drift of the feature's window against the reference, one series per method.
# TYPE mlwatch_feature_drift gauge
mlwatch_feature_drift{model="credit",feature="income",method="psi"} 0.4123
mlwatch_feature_drift{model="credit",feature="income",method="ks"} 0.21
mlwatch_feature_drift{model="credit",feature="session_duration_ms",method="psi"} 7.5
mlwatch_feature_drifted{model="credit",feature="income"} 1
mlwatch_feature_drifted{model="credit",feature="session_duration_ms"} 1
mlwatch_drifted_features_ratio{model="credit"} 0.2
mlwatch_prediction_drift{model="credit",method="psi"} 0.05
mlwatch_predictions_total{model="credit",version="2.3.0"} 900
mlwatch_predictions_total{model="credit",version="__other__"} 100
mlwatch_feature_values_total{model="credit",feature="income"} 995
mlwatch_feature_type_errors_total{model="credit",feature="income"} 5
mlwatch_feature_missing_total{model="credit",feature="income"} 0
mlwatch_feature_values_total{model="credit",feature="employment_years"} 600
mlwatch_feature_missing_total{model="credit",feature="employment_years"} 400
mlwatch_feature_values_total{model="credit",feature="session_duration_ms"} 1000
mlwatch_feature_out_of_range_total{model="credit",feature="session_duration_ms"} 700
mlwatch_unknown_fields_total{model="credit"} 3
# TYPE mlwatch_feature_value histogram
mlwatch_feature_value_bucket{model="credit",feature="income",le="+Inf"} 995
mlwatch_other_model_thing{model="fraud",note="a \\"quoted\\" \\\\ back\\nslash, {brace}"} -Inf 1700000000000
process_start_time_seconds 1.7e9
odd_value NaN
`;

describe('parseExposition', () => {
  const samples = parseExposition(SAMPLE);

  it('reads every sample line, skipping comments, with labels and values', () => {
    expect(samples).toHaveLength(21);
    expect(samples[0]).toEqual({
      name: 'mlwatch_feature_drift',
      labels: { model: 'credit', feature: 'income', method: 'psi' },
      value: 0.4123,
    });
    expect(samples.find((s) => s.name === 'process_start_time_seconds')).toEqual({ name: 'process_start_time_seconds', labels: {}, value: 1.7e9 });
    expect(samples.find((s) => s.name === 'mlwatch_feature_value_bucket')?.labels.le).toBe('+Inf');
    expect(Number.isNaN(samples.find((s) => s.name === 'odd_value')?.value)).toBe(true);
  });

  it('unescapes label values and ignores a trailing timestamp', () => {
    const odd = samples.find((s) => s.name === 'mlwatch_other_model_thing');
    expect(odd?.labels.note).toBe('a "quoted" \\ back\nslash, {brace}');
    expect(odd?.value).toBe(Number.NEGATIVE_INFINITY);
  });

  it('selects by name and label subset, and sums (null when absent)', () => {
    expect(selectSamples(samples, 'mlwatch_feature_drift', { feature: 'income' })).toHaveLength(2);
    expect(sumSamples(samples, 'mlwatch_predictions_total', { model: 'credit' })).toBe(1000);
    expect(sumSamples(samples, 'mlwatch_feature_drift', { model: 'credit', feature: 'age', method: 'psi' })).toBeNull();
  });

  it('names the line of a malformed sample', () => {
    expect(() => parseExposition('ok 1\nbroken{model="x} 1\n')).toThrow(ExpositionSyntaxError);
    expect(() => parseExposition('ok 1\nbroken{model="x} 1\n')).toThrow(/line 2/);
    expect(() => parseExposition('no_value\n')).toThrow(/no_value has no numeric value/);
    expect(() => parseExposition('{a="b"} 1\n')).toThrow(/expected a metric name/);
  });
});

describe('the demo table', () => {
  const features = ['income', 'session_duration_ms', 'employment_years', 'age'];
  const reading = readModel(parseExposition(SAMPLE), 'credit', features);

  it('reads per feature PSI, drifted flag and quality counters, and the model totals', () => {
    expect(reading.features.get('income')).toEqual({
      psi: 0.4123, drifted: true, values: 995, missing: 0, typeErrors: 5, nonFinite: 0, outOfRange: 0,
    });
    // No drift series yet (below min_samples): absent, not zero.
    expect(reading.features.get('age')?.psi).toBeNull();
    expect(reading.features.get('age')?.drifted).toBeNull();
    expect(reading.driftedRatio).toBe(0.2);
    expect(reading.predictionPsi).toBe(0.05);
    expect(reading.accepted).toBe(1000);
    expect(reading.unknownFields).toBe(3);
  });

  it('shows quality as the change since the previous table', () => {
    const first = formatTable(reading, null);
    const row = (table: string, name: string): string[] => (table.split('\n').find((l) => l.startsWith(`${name} `)) ?? '').trim().split(/\s+/);
    expect(row(first, 'income')).toEqual(['income', '0.412', 'YES', '0.0%', '5', '0']);
    expect(row(first, 'employment_years')).toEqual(['employment_years', '-', '-', '40.0%', '0', '0']);
    expect(row(first, 'session_duration_ms')).toEqual(['session_duration_ms', '7.500', 'YES', '0.0%', '0', '700']);
    expect(row(first, 'age')).toEqual(['age', '-', '-', '-', '0', '0']);
    expect(first).toContain('drifted features 20.0% · prediction PSI 0.050 · unknown fields 3 · events accepted 1000');

    const later = readModel(
      parseExposition(
        SAMPLE.replace('feature="employment_years"} 600', 'feature="employment_years"} 700').replace('mlwatch_unknown_fields_total{model="credit"} 3', 'mlwatch_unknown_fields_total{model="credit"} 4'),
      ),
      'credit',
      features,
    );
    const second = formatTable(later, reading);
    // 100 more values and no more nulls since the last table: 0% now, whatever the total.
    expect(row(second, 'employment_years')).toEqual(['employment_years', '-', '-', '0.0%', '0', '0']);
    expect(row(second, 'income')).toEqual(['income', '0.412', 'YES', '-', '0', '0']);
    expect(second).toContain('unknown fields 1');
  });
});

describe('the demo table on slices', () => {
  const SLICED = `mlwatch_variant_prediction_divergence{model="credit",variant="canary",method="psi"} 0.3512
mlwatch_variant_prediction_divergence{model="credit",variant="canary",method="ks"} 0.2
mlwatch_segment_feature_drifted{model="credit",segment="channel",segment_value="partner",feature="loan_amount"} 1
mlwatch_segment_feature_drift{model="credit",segment="channel",segment_value="partner",feature="loan_amount",method="psi"} 1.25
mlwatch_segment_feature_drifted{model="credit",segment="channel",segment_value="web",feature="income"} 1
mlwatch_segment_feature_drift{model="credit",segment="channel",segment_value="web",feature="income",method="psi"} 3.5
mlwatch_segment_feature_drifted{model="credit",segment="channel",segment_value="web",feature="loan_amount"} 0
mlwatch_segment_feature_drift{model="credit",segment="channel",segment_value="web",feature="loan_amount",method="psi"} 9
`;

  it('names each variant against the default variant and the segment value drifting most', () => {
    const reading = readModel(parseExposition(SAMPLE + SLICED), 'credit', ['income']);
    expect([...reading.variantDivergence]).toEqual([['canary', 0.3512]]);
    // web/loan_amount has the highest PSI but mlwatch did not judge it drifted; web/income did,
    // but income drifted over all traffic too (SAMPLE), so it is no segment's own.
    expect(reading.worstSegment).toEqual({ segment: 'channel', value: 'partner', feature: 'loan_amount', psi: 1.25 });
    expect(formatTable(reading, null)).toContain('slices: canary vs default variant PSI 0.351 · drifted in segment channel=partner only: loan_amount PSI 1.250');
    // Without slices the line is left out.
    expect(formatTable(readModel(parseExposition(SAMPLE), 'credit', ['income']), null)).not.toContain('slices:');
  });
});

// The reference-side performance gauges: what the reference file holds, exported as is;
// a binary model without calibration says calibration is not in use; a labelled config whose
// reference predates label_column is warned about.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { modelWarnings } from '../../src/config/model-warnings.js';
import { MetricsRegistry, createCollectors } from '../../src/metrics/registry.js';
import { Fleet } from '../../src/monitor/fleet.js';
import type { Reference } from '../../src/reference/types.js';
import { testConfig, testModel, testReference } from '../support/synthetic-reference.js';

const silent = pino({ level: 'silent' });

async function exposition(reference: Reference): Promise<string> {
  const fleet = new Fleet(testConfig(), new Map([['shop', reference]]), () => 1_000_000);
  return new MetricsRegistry(createCollectors(fleet), silent, { processMetrics: false }).render();
}

describe('PerformanceCollector', () => {
  it('exports the reference metrics, their spread and the calibration decision', async () => {
    const base = testReference();
    const bins = base.prediction.kind === 'numeric' ? base.prediction.fine_edges.length + 1 : 0;
    const reference: Reference = {
      ...base,
      performance: {
        label_column: 'label',
        labelled_rows: 2000,
        unlabelled_rows: 0,
        metrics: { accuracy: 0.81, precision: 0.7, recall: null, f1: 0.66, roc_auc: 0.88 },
        chunk_rows: 500,
        chunks: 4,
        spread: { accuracy: { std: 0.017, p05: 0.79, p95: 0.83 } },
      },
      calibration: { method: 'isotonic', used: true, folds: 5, raw_ece: 0.09, calibrated_ece: 0.02, map: new Array<number>(bins).fill(0.5) },
    };
    const text = await exposition(reference);
    expect(text).toContain('mlwatch_reference_performance{model="shop",metric="accuracy"} 0.81\n');
    expect(text).toContain('mlwatch_reference_performance{model="shop",metric="roc_auc"} 0.88\n');
    expect(text).not.toContain('metric="recall"'); // undefined on the reference: absent, not NaN
    expect(text).toContain('mlwatch_reference_performance_lower{model="shop",metric="accuracy"} 0.79\n');
    expect(text).toContain('mlwatch_reference_performance_upper{model="shop",metric="accuracy"} 0.83\n');
    expect(text).toContain('mlwatch_reference_performance_std{model="shop",metric="accuracy"} 0.017\n');
    expect(text).toContain('mlwatch_reference_performance_chunk_rows{model="shop"} 500\n');
    expect(text).toContain('mlwatch_calibration_in_use{model="shop"} 1\n');
    expect(text).toContain('mlwatch_calibration_error{model="shop",method="raw"} 0.09\n');
    expect(text).toContain('mlwatch_calibration_error{model="shop",method="isotonic"} 0.02\n');
  });

  it('an older reference (no performance, no calibration) loads: calibration not in use, no reference performance', async () => {
    const text = await exposition(testReference());
    expect(text).toContain('mlwatch_calibration_in_use{model="shop"} 0\n');
    expect(text).not.toMatch(/^mlwatch_reference_performance\{/m);
    const labelled = testModel();
    labelled.reference_build = { ...labelled.reference_build, label_column: 'label' };
    // (A format 1 test reference also has no noise levels: that warning is another check's.)
    const aboutLabels = (warnings: string[]) => warnings.filter((w) => w.includes('label_column'));
    expect(aboutLabels(modelWarnings(labelled, 0, testReference(labelled)))).toEqual([
      expect.stringMatching(/^models\[0\]\.reference_build\.label_column: the reference has no performance .* and no calibration \(the estimated performance is off\)/),
    ]);
    expect(aboutLabels(modelWarnings(testModel(), 0, testReference()))).toEqual([]);
  });
});

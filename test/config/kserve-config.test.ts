// The kserve: sections: defaults, and each mistake reported at its path with what would be right.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/loader.js';
import { SOURCE, problemsOf, validFile, yamlWith } from './fixtures.js';
import { dump } from 'js-yaml';

describe('kserve config', () => {
  it('fills the defaults: the model name as the InferenceService, logger mode all, auto prediction, 30 s pairing', () => {
    const config = parseConfig(dump(validFile()), SOURCE);
    expect(config.kserve).toStrictEqual({ pairing_ttl_seconds: 30, max_pending: 10000, max_pending_bytes: 67108864 });
    expect(config.models[0].kserve).toStrictEqual({ inference_service: 'credit', logger_mode: 'all', prediction: 'auto' });
  });

  it('takes every key', () => {
    const config = parseConfig(
      yamlWith((file, model) => {
        file.kserve = { pairing_ttl_seconds: 5, max_pending: 10, max_pending_bytes: 4096 };
        model.kserve = { inference_service: 'credit-scorer', logger_mode: 'request', columns: ['income', 'country'], output: 'predict_proba', prediction: 'scores' };
      }),
      SOURCE,
    );
    expect(config.kserve).toStrictEqual({ pairing_ttl_seconds: 5, max_pending: 10, max_pending_bytes: 4096 });
    expect(config.models[0].kserve).toStrictEqual({
      inference_service: 'credit-scorer',
      logger_mode: 'request',
      columns: ['income', 'country'],
      output: 'predict_proba',
      prediction: 'scores',
    });
  });

  it.each([
    ['a column that is not a feature', (m: Record<string, unknown>) => (m.kserve = { columns: ['income', 'incme'] }),
      'models[0].kserve.columns[1]: "incme" is not a feature of this model; columns name the model\'s features in the order of its input'],
    ['a repeated column', (m: Record<string, unknown>) => (m.kserve = { columns: ['income', 'income'] }),
      'models[0].kserve.columns[1]: duplicate column "income" (first at models[0].kserve.columns[0])'],
    ['logger mode response', (m: Record<string, unknown>) => (m.kserve = { logger_mode: 'response' }),
      'models[0].kserve.logger_mode: must be one of: all, request (got "response")'],
    ['an InferenceService name with capitals', (m: Record<string, unknown>) => (m.kserve = { inference_service: 'Credit' }),
      'models[0].kserve.inference_service: must be an InferenceService name: 1 to 63 lower-case letters, digits or "-", starting and ending with a letter or digit (got "Credit")'],
    ['a prediction mapping that does not fit the task', (m: Record<string, unknown>) => (m.kserve = { prediction: 'value' }),
      'models[0].kserve.prediction: "value" does not fit binary_classification; use one of auto, score, label, class_index, scores'],
  ])('%s', (_name, edit, expected) => {
    expect(problemsOf(yamlWith((_file, model) => edit(model)))).toStrictEqual([expected]);
  });

  it('refuses two models on one InferenceService and a zero pairing TTL', () => {
    const problems = problemsOf(
      yamlWith((file, model) => {
        file.kserve = { pairing_ttl_seconds: 0 };
        const second = { ...structuredClone(model), name: 'credit-v2', kserve: { inference_service: 'credit' } };
        (file.models as unknown[]).push(second);
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^kserve\.pairing_ttl_seconds: /);
    expect(problems[1]).toBe(
      'models[1].kserve.inference_service: InferenceService "credit" is already the one of models[0].name; each InferenceService maps to one model (set kserve.inference_service)',
    );
  });
});

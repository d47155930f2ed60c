// What a model's payloads need to become its events: the column order of list rows and 2-D
// tensors, which v2 output holds the prediction, how that output reads, and the row limit.
import type { ModelConfig, PredictionMapping, Task } from '../config/types.js';

export interface PayloadMapping {
  columns: readonly string[] | undefined;
  output: string | undefined;
  prediction: PredictionMapping;
  task: Task;
  classes: readonly string[];
  /** Most rows (events) one payload may carry: ingest.max_batch_events. */
  maxRows: number;
}

export function payloadMapping(model: ModelConfig, maxRows: number): PayloadMapping {
  return {
    columns: model.kserve.columns,
    output: model.kserve.output,
    prediction: model.kserve.prediction,
    task: model.task,
    classes: model.classes,
    maxRows,
  };
}

/** Rows are limited per payload; a row of a tensor may hold many values, so values get headroom. */
export function maxTensorValues(mapping: PayloadMapping): number {
  return mapping.maxRows * Math.max(1, mapping.columns?.length ?? 1, mapping.classes.length) * 4;
}

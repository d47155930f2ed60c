// Records a request's events into a model's monitor as the body parser hands them over, and
// tallies the answer: accepted, rejected (lines that did not parse, malformed envelopes) and
// the first errors by index. One per handler, reused: a request is parsed and recorded
// synchronously, so two requests never share it at once.
import type { ModelMonitor } from '../monitor/model-monitor.js';
import type { BodyVisitor, EventError } from './body.js';

export class BatchRecorder implements BodyVisitor {
  private monitor: ModelMonitor | null = null;
  accepted = 0;
  /** Lines that did not parse (reason invalid_json). */
  unparsed = 0;
  /** Events whose envelope the monitor refused (reason invalid_event). */
  invalid = 0;
  errors: EventError[] = [];

  constructor(private readonly maxErrors: number) {}

  start(monitor: ModelMonitor): void {
    this.monitor = monitor;
    this.accepted = 0;
    this.unparsed = 0;
    this.invalid = 0;
    // A fresh array: the previous one went out in its answer.
    this.errors = [];
  }

  event(value: unknown, index: number): void {
    const problem = (this.monitor as ModelMonitor).record(value);
    if (problem === null) {
      this.accepted++;
      return;
    }
    this.invalid++;
    if (this.errors.length < this.maxErrors) this.errors.push({ index, message: problem });
  }

  error(index: number, message: string): void {
    this.unparsed++;
    if (this.errors.length < this.maxErrors) this.errors.push({ index, message });
  }

  get rejected(): number {
    return this.unparsed + this.invalid;
  }
}

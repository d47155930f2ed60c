// Records a request's events into a model's monitor as the body parser hands them over, and
// tallies the answer: accepted, rejected (lines that did not parse, malformed envelopes) and
// the first errors by index (and line, for NDJSON). The handler keeps one for small bodies,
// which are parsed and recorded synchronously, so two requests never share it at once; a
// body parsed in slices gets its own.
import type { ModelMonitor } from '../monitor/model-monitor.js';
import type { BodyVisitor, EventError, LineFailureReason } from './body.js';

export class BatchRecorder implements BodyVisitor {
  private monitor: ModelMonitor | null = null;
  accepted = 0;
  /** Lines that did not parse (reason invalid_json). */
  unparsed = 0;
  /** Lines beyond the JSON limits (reason too_complex). */
  tooComplex = 0;
  /** Events whose envelope the monitor refused (reason invalid_event). */
  invalid = 0;
  errors: EventError[] = [];

  constructor(private readonly maxErrors: number) {}

  start(monitor: ModelMonitor): this {
    this.monitor = monitor;
    this.accepted = 0;
    this.unparsed = 0;
    this.tooComplex = 0;
    this.invalid = 0;
    // A fresh array: the previous one went out in its answer.
    this.errors = [];
    return this;
  }

  event(value: unknown, index: number, line: number): void {
    const problem = (this.monitor as ModelMonitor).record(value);
    if (problem === null) {
      this.accepted++;
      return;
    }
    this.invalid++;
    if (this.errors.length < this.maxErrors) {
      this.errors.push(line > 0 ? { index, line, message: `line ${line}: ${problem}` } : { index, message: problem });
    }
  }

  error(index: number, line: number, message: string, reason: LineFailureReason): void {
    if (reason === 'too_complex') this.tooComplex++;
    else this.unparsed++;
    if (this.errors.length < this.maxErrors) this.errors.push({ index, line, message });
  }

  get rejected(): number {
    return this.unparsed + this.tooComplex + this.invalid;
  }
}

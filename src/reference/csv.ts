// A streaming RFC 4180 CSV parser: a state machine fed chunks of bytes, so a row may
// span any number of chunks (and a chunk may end inside a UTF-8 character). Quoted
// fields may hold commas, doubled quotes and line breaks; rows end with LF, CRLF or CR.
// Blank lines are skipped; a row with a quoting mistake is passed on with a problem,
// so the caller can report and skip it; only an unterminated quote at the end is fatal.
import { StringDecoder } from 'node:string_decoder';

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Called once per row (the header included) with its 1-based starting line. */
export type CsvRowHandler = (fields: string[], line: number, problem: string | null) => void;

/** Longest row accepted, in characters: keeps memory bounded on a file that is not CSV. */
export const DEFAULT_MAX_ROW_CHARS = 16 * 1024 * 1024;

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote seen inside a quoted field: either the first of a doubled quote or the closing one. */
  QuoteInQuoted,
}

export class CsvParser {
  private readonly decoder = new StringDecoder('utf8');
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private rowStarted = false;
  private rowLine = 1;
  private rowChars = 0;
  private problem: string | null = null;
  /** Current line (1-based) and whether the last character was a CR (so a following LF is the same break). */
  private line = 1;
  private lastWasCr = false;
  private quoteLine = 1;
  private atStart = true;

  constructor(
    private readonly onRow: CsvRowHandler,
    private readonly maxRowChars = DEFAULT_MAX_ROW_CHARS,
  ) {}

  write(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.parse(text);
  }

  /** Flushes the last row (a missing final newline is fine); throws on an unterminated quote. */
  end(): void {
    this.parse(this.decoder.end());
    if (this.state === State.Quoted) {
      throw new CsvSyntaxError(
        `unterminated quoted field starting on line ${this.quoteLine}: a field that opens with " must close with "`,
        this.quoteLine,
      );
    }
    if (this.rowStarted) this.endRow();
  }

  private parse(text: string): void {
    let i = 0;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) i = 1; // spreadsheet exports start with one
    }
    const n = text.length;
    while (i < n) {
      switch (this.state) {
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (c === CR || c === LF) {
            // An empty last field, or a blank line (skipped).
            if (this.rowStarted) this.endRow();
            this.countBreak(c);
            i++;
            break;
          }
          this.startRow();
          this.lastWasCr = false;
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.quoteLine = this.line;
            i++;
          } else if (c === COMMA) {
            this.pushField();
            i++;
          } else {
            this.state = State.Unquoted;
          }
          break;
        }
        case State.Unquoted: {
          let j = i;
          let c = 0;
          while (j < n) {
            c = text.charCodeAt(j);
            if (c === COMMA || c === CR || c === LF || c === QUOTE) break;
            j++;
          }
          if (j > i) this.lastWasCr = false;
          this.append(text, i, j);
          i = j;
          if (j === n) break;
          i++;
          if (c === QUOTE) {
            this.problem ??= `a quote inside unquoted field ${this.fields.length + 1} (quote the whole field and double the inner quote: "a""b")`;
            this.field += '"';
          } else if (c === COMMA) {
            this.pushField();
            this.state = State.FieldStart;
          } else {
            this.endRow();
            this.countBreak(c);
            this.state = State.FieldStart;
          }
          break;
        }
        case State.Quoted: {
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === QUOTE) break;
            if (c === CR || c === LF) this.countBreak(c);
            else this.lastWasCr = false;
            j++;
          }
          this.append(text, i, j);
          if (j < n) {
            this.state = State.QuoteInQuoted;
            this.lastWasCr = false;
          }
          i = j < n ? j + 1 : n;
          break;
        }
        case State.QuoteInQuoted: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            this.pushField();
            this.state = State.FieldStart;
            i++;
          } else if (c === CR || c === LF) {
            this.endRow();
            this.countBreak(c);
            this.state = State.FieldStart;
            i++;
          } else {
            this.problem ??= `text after the closing quote of field ${this.fields.length + 1} (quote the whole field)`;
            this.state = State.Unquoted; // keep the rest of the field literally, to resynchronise at the next comma
          }
          break;
        }
      }
    }
  }

  private startRow(): void {
    if (this.rowStarted) return;
    this.rowStarted = true;
    this.rowLine = this.line;
  }

  private countBreak(c: number): void {
    if (c === LF && this.lastWasCr) {
      this.lastWasCr = false; // the LF of a CRLF
      return;
    }
    this.line++;
    this.lastWasCr = c === CR;
  }

  private append(text: string, from: number, to: number): void {
    if (to <= from) return;
    this.rowChars += to - from;
    if (this.rowChars > this.maxRowChars) {
      throw new CsvSyntaxError(
        `the row starting on line ${this.rowLine} is longer than ${this.maxRowChars} characters (is this really CSV? an unbalanced quote can swallow the rest of a file)`,
        this.rowLine,
      );
    }
    this.field += text.slice(from, to);
  }

  private pushField(): void {
    this.fields.push(this.field);
    this.field = '';
  }

  private endRow(): void {
    this.pushField();
    const fields = this.fields;
    const problem = this.problem;
    this.fields = [];
    this.problem = null;
    this.rowStarted = false;
    this.rowChars = 0;
    this.onRow(fields, this.rowLine, problem);
  }
}

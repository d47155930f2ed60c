// The error every JSON check throws: it names the problem and a position, never the content
// (V8's own messages quote the input, which may be personal data, and differ between versions).

export class JsonSyntaxError extends SyntaxError {
  constructor(
    readonly problem: string,
    /** Offset of the problem: UTF-16 units for a string input (as JSON.parse counts), bytes for a byte input; null if unknown. */
    readonly position: number | null,
  ) {
    super(position === null ? problem : `${problem} at position ${position}`);
    this.name = 'SyntaxError';
  }
}

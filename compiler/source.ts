/**
 * A policy or test source file: its text and a path used in messages. Positions in the
 * compiler are character offsets; line and column are computed only when printing.
 */
export class Source {
  private lineStarts: number[] | undefined;

  constructor(
    /** The file's text. */
    readonly text: string,
    /** The path shown in diagnostics and generated headers, relative when possible. */
    readonly path: string,
  ) {}

  /** 1-based line and column of a character offset (clamped to the text). */
  position(offset: number): { line: number; column: number } {
    const starts = this.getLineStarts();
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    // A byte-order mark is not a column: editors show line 1 starting after it.
    const bom = low === 0 && clamped > 0 && this.text.charCodeAt(0) === 0xfeff ? 1 : 0;
    return { line: low + 1, column: clamped - (starts[low] ?? 0) + 1 - bom };
  }

  /** The source text covered by a span. */
  slice(span: Span): string {
    return this.text.slice(span.start, span.end);
  }

  private getLineStarts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const text = this.text;
      for (let i = 0; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (ch === 10) starts.push(i + 1);
        else if (ch === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}

/** A half-open range `[start, end)` of character offsets into a {@link Source}. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The smallest span covering both spans. */
export function joinSpans(a: Span, b: Span): Span {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/**
 * Where a JSON text stops being valid. V8's `JSON.parse` messages carry a position only
 * sometimes (and otherwise quote the whole input), so on a parse failure this scanner finds
 * the offending offset for a `file:line:col` message. It validates only; it builds nothing.
 */

/** The first invalid position of `text` and what was found there (`` `}` ``, `end of file`: it follows "unexpected"), or undefined if it is valid JSON. */
export function findJsonError(text: string): { offset: number; found: string } | undefined {
  const scanner = new JsonScanner(text);
  try {
    scanner.value(0);
    scanner.whitespace();
    if (scanner.offset < text.length) return scanner.failure();
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { offset: error.offset, found: error.found };
    throw error;
  }
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly found: string,
  ) {
    super(`unexpected ${found}`);
  }
}

// Deeper nesting than this is reported at the opening bracket instead of recursing further.
const maximumDepth = 512;

class JsonScanner {
  offset = 0;

  constructor(private readonly text: string) {}

  failure(): { offset: number; found: string } {
    const char = this.text[this.offset];
    return { offset: this.offset, found: char === undefined ? "end of file" : `\`${char}\`` };
  }

  fail(): never {
    const { offset, found } = this.failure();
    throw new JsonSyntaxError(offset, found);
  }

  whitespace(): void {
    while (/[ \t\n\r]/.test(this.text[this.offset] ?? "")) this.offset++;
  }

  expect(char: string): void {
    if (this.text[this.offset] !== char) this.fail();
    this.offset++;
  }

  value(depth: number): void {
    this.whitespace();
    const char = this.text[this.offset];
    if (char === "{" || char === "[") {
      if (depth >= maximumDepth) this.fail();
      return char === "{" ? this.object(depth) : this.array(depth);
    }
    if (char === '"') return this.string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.offset, this.offset + 400));
    if (!literal) this.fail();
    this.offset += literal[0].length;
  }

  object(depth: number): void {
    this.expect("{");
    this.whitespace();
    if (this.text[this.offset] === "}") {
      this.offset++;
      return;
    }
    for (;;) {
      this.whitespace();
      this.string();
      this.whitespace();
      this.expect(":");
      this.value(depth + 1);
      this.whitespace();
      if (this.text[this.offset] === ",") this.offset++;
      else return this.expect("}");
    }
  }

  array(depth: number): void {
    this.expect("[");
    this.whitespace();
    if (this.text[this.offset] === "]") {
      this.offset++;
      return;
    }
    for (;;) {
      this.value(depth + 1);
      this.whitespace();
      if (this.text[this.offset] === ",") this.offset++;
      else return this.expect("]");
    }
  }

  string(): void {
    this.expect('"');
    for (;;) {
      const char = this.text[this.offset];
      if (char === undefined || char < " ") this.fail();
      if (char === '"') {
        this.offset++;
        return;
      }
      if (char === "\\") {
        const escape = /^\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(this.text.slice(this.offset, this.offset + 6));
        if (!escape) this.fail();
        this.offset += escape[0].length;
      } else {
        this.offset++;
      }
    }
  }
}

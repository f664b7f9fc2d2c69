/**
 * The formatter's two promises over real and fuzzed inputs: formatting twice gives what
 * formatting once gave (idempotence), and every comment survives (the multiset of comment
 * texts is unchanged). Fuzzed inputs are the examples with their tokens re-joined by random
 * whitespace, blank lines and comments (line and block) between any two tokens.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenize } from "../../compiler/lexer.js";
import { commentTexts, formatAgp, parseForFormatting } from "../../compiler/prettier-plugin.js";
import { Source } from "../../compiler/source.js";
import { repositoryRoot } from "../e2e/cli-harness.js";

const exampleFiles = readdirSync(path.join(repositoryRoot, "examples"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) =>
    readdirSync(path.join(repositoryRoot, "examples", entry.name))
      .filter((file) => file.endsWith(".agp"))
      .map((file) => `examples/${entry.name}/${file}`),
  )
  .sort();

function read(relativePath: string): string {
  return readFileSync(path.join(repositoryRoot, relativePath), "utf8");
}

async function format(text: string, filePath: string): Promise<string> {
  const result = await formatAgp(text, { path: filePath });
  if (result.formatted === undefined) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return result.formatted;
}

function commentsOf(text: string, filePath: string): string[] {
  const { document } = parseForFormatting(text, filePath);
  if (!document) throw new Error(`${filePath} does not parse`);
  return commentTexts(document);
}

describe.each(exampleFiles)("%s", (relativePath) => {
  it("is a fixed point of the formatter and keeps every comment", async () => {
    const text = read(relativePath);
    const once = await format(text, relativePath);
    expect(await format(once, relativePath)).toBe(once);
    expect(commentsOf(once, relativePath)).toEqual(commentsOf(text, relativePath));
  });
});

/** What may go between two tokens; each `#` is replaced by a unique number so comments are told apart. */
const separators = [
  " ",
  "\n",
  "\n\n",
  "\n\n\n",
  "\t ",
  " /* c# */ ",
  " /* c# */",
  " // c#\n",
  "\n// c#\n",
  "\n\n// c#\n\n",
  "\n/* c#\n   second line */\n",
  " /* c# */\n",
  " /* c# */ // c#\n",
  "\n/* c# */ // c#\n",
];

/** The tokens and comments of a file, as written, in source order. */
function pieces(text: string, filePath: string): string[] {
  const { tokens, comments } = tokenize(new Source(text, filePath));
  return [...tokens.map((t) => ({ start: t.startOffset, image: t.image })), ...comments.map((c) => ({ start: c.span.start, image: c.text }))]
    .sort((a, b) => a.start - b.start)
    .map((piece) => (piece.image.startsWith("//") ? `${piece.image}\n` : piece.image));
}

/** Rejoins `parts` with the chosen separators (a plain space where none was chosen). */
function rejoin(parts: readonly string[], choices: readonly number[]): string {
  let counter = 0;
  return parts
    .map((part, index) => {
      const choice = choices[index % choices.length] ?? 0;
      const separator = choice < separators.length ? (separators[choice] ?? " ") : " ";
      return `${part}${separator.replace(/#/g, () => String(counter++))}`;
    })
    .join("");
}

/** Runs per example; `AGP_FUZZ_RUNS=500` for a longer hunt. */
const fuzzRuns = Number(process.env.AGP_FUZZ_RUNS ?? 25);

describe("fuzzed layouts of the examples", () => {
  it.each(exampleFiles)("%s: formatting is idempotent and keeps every comment", async (relativePath) => {
    const parts = pieces(read(relativePath), relativePath);
    // Choices past the separator list mean "a plain space", so most gaps stay ordinary.
    const choices = fc.array(fc.integer({ min: 0, max: separators.length * 3 }), { minLength: 1, maxLength: 64 });
    await fc.assert(
      fc.asyncProperty(choices, async (chosen) => {
        const input = rejoin(parts, chosen);
        const once = await format(input, relativePath);
        expect(await format(once, relativePath)).toBe(once);
        expect(commentsOf(once, relativePath)).toEqual(commentsOf(input, relativePath));
      }),
      { numRuns: fuzzRuns },
    );
  }, fuzzRuns * 2_000);
});

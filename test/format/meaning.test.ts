/**
 * Formatting never changes what a policy means. For each example policy, the source as
 * written and the formatted source are compared three ways:
 *
 * 1. The ASTs are equal once spans are left out (a formatter may only move text around).
 * 2. Both compile, and the generated TypeScript is the same once what depends on layout is
 *    taken out: the source hash, `// @agp-span` offsets, rule location tuples and all
 *    whitespace, including the `\n` escapes inside the condition texts that explanations
 *    quote from the source (their words must be the same, their line breaks may not).
 *    Comparing the generated code, not just the AST, is what `agp compile` ships.
 * 3. Both modules decide every example request (with its history) the same way, and their
 *    rule metadata agrees except for locations: the behaviour a runtime sees.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compile, compileToModule } from "../../compiler/index.js";
import { tokenize } from "../../compiler/lexer.js";
import { formatAgp, parseForFormatting, structureOf } from "../../compiler/prettier-plugin.js";
import { Source } from "../../compiler/source.js";
import type { PolicyModule, PolicyRequest } from "../../stdlib/contract.js";
import { listFacts } from "../../stdlib/list-facts.js";
import { repositoryRoot } from "../e2e/cli-harness.js";

const examplePolicies = readdirSync(path.join(repositoryRoot, "examples"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) =>
    readdirSync(path.join(repositoryRoot, "examples", entry.name))
      .filter((file) => file.endsWith(".agp") && !file.endsWith(".test.agp"))
      .map((file) => `examples/${entry.name}/${file}`),
  )
  .sort();

/** The example policy's tokens and comments re-joined by odd whitespace the formatter must undo. */
function scrambled(text: string, filePath: string): string {
  const { tokens, comments } = tokenize(new Source(text, filePath));
  const separators = [" ", "\n", "   ", "\n\n\n  ", "\t"];
  return [...tokens.map((t) => ({ start: t.startOffset, image: t.image })), ...comments.map((c) => ({ start: c.span.start, image: c.text }))]
    .sort((a, b) => a.start - b.start)
    .map((piece, index) => `${piece.image}${piece.image.startsWith("//") ? "\n" : (separators[index % separators.length] ?? " ")}`)
    .join("");
}

/** Generated TypeScript without what depends on the layout of the source. */
function withoutLayout(typescript: string): string {
  return typescript
    .replace(/sourceHash: string = "[^"]*"/, "sourceHash")
    .replace(/\/\/ @agp-span \d+:\d+/g, "")
    .replace(/\[\d+, \d+, \d+, \d+\]/g, "[location]")
    .replace(/\\[nrt]/g, "")
    .replace(/\s+/g, "")
    .replace(/,([)\]}])/g, "$1");
}

async function compiled(text: string, filePath: string): Promise<string> {
  const { result, diagnostics } = await compile(text, { path: filePath });
  if (!result) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return result.typescript;
}

async function loaded(text: string, filePath: string): Promise<PolicyModule> {
  const { module, diagnostics } = await compileToModule(text, { path: filePath, typecheck: false });
  if (!module) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return module;
}

function exampleRequests(policyPath: string): { name: string; json: unknown }[] {
  const directory = path.join(repositoryRoot, path.dirname(policyPath), "requests");
  return readdirSync(directory)
    .filter((file) => file.endsWith(".json") && file !== "history.json")
    .map((file) => ({ name: file, json: JSON.parse(readFileSync(path.join(directory, file), "utf8")) as unknown }));
}

function historyOf(policyPath: string): unknown[] {
  const file = path.join(repositoryRoot, path.dirname(policyPath), "requests", "history.json");
  return JSON.parse(readFileSync(file, "utf8")) as unknown[];
}

describe.each(examplePolicies)("%s", (policyPath) => {
  const original = readFileSync(path.join(repositoryRoot, policyPath), "utf8");

  it.each([
    ["as written", original],
    ["scrambled", scrambled(original, policyPath)],
  ])("formatted %s, it has the same AST, generated code and decisions", async (_label, input) => {
    const result = await formatAgp(input, { path: policyPath });
    const formatted = result.formatted ?? "";
    expect(result.diagnostics).toEqual([]);

    const before = parseForFormatting(input, policyPath).document;
    const after = parseForFormatting(formatted, policyPath).document;
    expect(before && after && structureOf(after)).toBe(before && structureOf(before));

    const generatedBefore = await compiled(input, policyPath);
    const generatedAfter = await compiled(formatted, policyPath);
    expect(withoutLayout(generatedAfter)).toBe(withoutLayout(generatedBefore));

    const moduleBefore = await loaded(input, policyPath);
    const moduleAfter = await loaded(formatted, policyPath);
    const metadata = (module: PolicyModule) => module.rules.map(({ location: _location, ...rest }) => rest);
    expect(metadata(moduleAfter)).toEqual(metadata(moduleBefore));
    for (const { name, json } of exampleRequests(policyPath)) {
      const decide = (module: PolicyModule) => {
        const request = module.requestSchema.parse(json) as PolicyRequest;
        const history = historyOf(policyPath).map((entry) => module.requestSchema.parse(entry) as PolicyRequest);
        return module.decide(request, listFacts(module, history));
      };
      expect(decide(moduleAfter), name).toEqual(decide(moduleBefore));
    }
  });

  it("notices a change of meaning (the comparison is not vacuous)", async () => {
    const changed = original.replace(/grant (\d+)m/, (_match, minutes: string) => `grant ${Number(minutes) + 1}m`);
    expect(changed).not.toBe(original);
    expect(withoutLayout(await compiled(changed, policyPath))).not.toBe(withoutLayout(await compiled(original, policyPath)));
  });
});

/**
 * No policy text can change what generated code does: random reason strings, intent
 * descriptions and history-condition strings (quotes, backticks, `${`, `*\/`, line
 * separators, `</script>`...) go through emit → format → type-check → load and come back
 * byte-identical as data, and never appear raw outside a string literal.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check } from "../index.js";
import { loadPolicyModule } from "../load.js";
import { listFacts } from "../../stdlib/list-facts.js";
import { emitModule, generateModule } from "./index.js";
import { typecheckModule } from "./typecheck.js";
import ts from "typescript";

/** The generated code's tokens other than string literals and comments, space-separated. */
function codeOutsideLiterals(typescript: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, typescript);
  const tokens: string[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral) continue;
    tokens.push(scanner.getTokenText());
  }
  return tokens.join(" ");
}

/** A policy string literal for `value` (JSON's escapes are the language's). */
const agpString = (value: string): string => JSON.stringify(value);

const hostile = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc
    .array(fc.constantFrom('"', "'", "`", "${", "}", "*/", "/*", "//", "\u2028", "\u2029", "</script>", "\\", "\n", "\t", "x"), {
      maxLength: 10,
    })
    .map((parts) => parts.join("")),
);

describe("escaping through the whole pipeline", () => {
  it("round-trips reasons, descriptions and condition strings exactly", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (reason, description, needle) => {
        const text = `policy escaping
agent Bot { name: string }
resource Doc { title: string }
action read on Doc
intent look ${agpString(description)} { actions read }
deny odd: read when resource.title == ${agpString(needle)} reason ${agpString(reason)}
allow rest: read`;
        const { policy, diagnostics } = check(text, { path: "escaping.agp" });
        expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
        if (!policy) return;
        const { typescript } = await generateModule(policy, { sourcePath: "escaping.agp" });
        expect(typecheckModule(typescript, policy).map((d) => d.message)).toEqual([]);
        const code = codeOutsideLiterals(typescript);
        expect(code).not.toMatch(/["'`\u2028\u2029]|\*\//);
        for (const value of [reason, description, needle]) {
          if (/["'`\n\r\u2028\u2029]|\*\/|<\//.test(value)) expect(code).not.toContain(value);
        }
        const module = loadPolicyModule(emitModule(policy, { sourcePath: "escaping.agp", target: "function" }));
        expect(module.rules[0]?.reason).toBe(reason);
        expect(module.intents["look"]?.description).toBe(description);
        const request = module.requestSchema.parse({
          principal: { type: "Bot", id: "b", name: "bot" },
          action: "read",
          resource: { type: "Doc", id: "d", title: needle },
          intent: "look",
          session: "s",
          at: "2026-01-05T10:00:00Z",
          env: {},
        });
        const decision = module.decide(request, listFacts(module, []));
        expect(decision).toMatchObject({ decision: "deny", rules: ["odd"], reasons: [reason] });
      }),
      { numRuns: 12 },
    );
  });
});

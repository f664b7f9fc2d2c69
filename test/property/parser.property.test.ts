/**
 * Properties of the parser: it never throws and always terminates, whatever the input; every
 * span it reports lies within the text; and well-formed expressions generated from the grammar
 * parse into the operator structure their precedence dictates.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exprText } from "../../compiler/__fixtures__/ast-text.js";
import type { BinaryOperator, Expr, Span } from "../../compiler/ast.js";
import { parsePolicy, parseTestFile } from "../../compiler/parse.js";
import { Source } from "../../compiler/source.js";
import { walk } from "../../compiler/visitor.js";

const designPolicy = readFileSync(new URL("../../compiler/__fixtures__/design-example.agp", import.meta.url), "utf8");
const designTest = readFileSync(
  new URL("../../compiler/__fixtures__/design-example.test.agp", import.meta.url),
  "utf8",
);

function within(span: Span, length: number): boolean {
  return span.start >= 0 && span.end >= span.start && span.end <= length;
}

/** Parses as a policy and as a test file; fails on a throw or on any span outside the text. */
function checkParses(text: string): void {
  for (const parse of [parsePolicy, parseTestFile]) {
    const result = parse(new Source(text, "fuzz.agp"));
    for (const diagnostic of result.diagnostics) {
      expect(within(diagnostic.span, text.length)).toBe(true);
      expect(diagnostic.code).not.toBe("AGP9002");
    }
    for (const comment of result.comments) expect(within(comment.span, text.length)).toBe(true);
    if (result.ast) walk(result.ast, (node) => void expect(within(node.span, text.length)).toBe(true));
  }
}

const vocabulary = [
  "policy",
  "test",
  "p",
  "sensitivity",
  "entity",
  "agent",
  "resource",
  "context",
  "action",
  "on",
  "intent",
  "actions",
  "max",
  "allow",
  "deny",
  "when",
  "grant",
  "reason",
  "separate",
  "by",
  "monitor",
  "then",
  "revoke",
  "downgrade",
  "to",
  "review",
  "alert",
  "and",
  "or",
  "not",
  "in",
  "has",
  "true",
  "false",
  "count",
  "exists",
  "within",
  "where",
  "let",
  "case",
  "session",
  "env",
  "expect",
  "advance",
  "redeem",
  "refused",
  "resolve",
  "principal",
  "event",
  "approve",
  "x",
  "User",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ":",
  ".",
  "?",
  "*",
  "<",
  "<=",
  ">",
  ">=",
  "==",
  "!=",
  "=",
  "+",
  "-",
  "/",
  "15m",
  "42",
  "3.5",
  "15x",
  '"s"',
  '"open',
  '"\\q"',
  "#",
  "//c\n",
  "/*",
  "*/",
  "\n",
];

describe("parser properties", () => {
  it("never throws on random token streams, and keeps every span within the text", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.constantFrom(...vocabulary), { maxLength: 80 }), (withHeader, words) => {
        checkParses(`${withHeader ? "policy p\n" : ""}${words.join(" ")}`);
      }),
      { numRuns: 250 },
    );
  });

  it("never throws on random mutations of the DESIGN.md examples", () => {
    const mutation = fc.record({
      kind: fc.constantFrom("delete", "insert", "duplicate"),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 12 }),
      text: fc.constantFrom("(", ")", "{", "}", '"', "\\", "/*", ":", ",", "not ", "when ", "\n", "é", "\u0000", "15x"),
    });
    fc.assert(
      fc.property(fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (useTestFile, mutations) => {
        let text = useTestFile ? designTest : designPolicy;
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          if (m.kind === "delete") text = text.slice(0, at) + text.slice(at + m.length);
          else if (m.kind === "insert") text = text.slice(0, at) + m.text + text.slice(at);
          else text = text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
        }
        checkParses(text);
      }),
      { numRuns: 250 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Round trip: generated expression trees, printed with only the parentheses precedence needs
// ---------------------------------------------------------------------------------------

const noSpan = { start: 0, end: 0 };
const precedenceOf: Readonly<Record<BinaryOperator, number>> = {
  or: 1,
  and: 2,
  "==": 4,
  "!=": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  in: 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
};

function precedence(expr: Expr): number {
  if (expr.kind === "Binary") return precedenceOf[expr.operator];
  if (expr.kind === "Unary") return expr.operator === "not" ? 3 : 7;
  if (expr.kind === "Has") return 7;
  return 8;
}

/** Source text for a tree, parenthesized only where the grammar needs it. */
function print(expr: Expr): string {
  const wrap = (child: Expr, needsParens: boolean): string => (needsParens ? `(${print(child)})` : print(child));
  switch (expr.kind) {
    case "Binary": {
      const p = precedenceOf[expr.operator];
      // Left-associative; comparisons do not associate at all.
      const left = wrap(expr.left, precedence(expr.left) < p || (p === 4 && precedence(expr.left) === 4));
      return `${left} ${expr.operator} ${wrap(expr.right, precedence(expr.right) <= p)}`;
    }
    case "Unary":
      return expr.operator === "not"
        ? `not ${wrap(expr.operand, precedence(expr.operand) < 3)}`
        : `-${wrap(expr.operand, precedence(expr.operand) < 7)}`;
    case "Member":
      return `${wrap(expr.object, precedence(expr.object) < 8)}.${expr.property.text}`;
    case "Has":
      return `has ${print(expr.path)}`;
    case "Identifier":
      return expr.name.text;
    case "NumberLiteral":
      return String(expr.value);
    case "BoolLiteral":
      return String(expr.value);
    case "StringLiteral":
      return JSON.stringify(expr.value);
    case "DurationLiteral":
      return `${expr.milliseconds}ms`;
    case "Call":
      return `${expr.callee.text}(${expr.args.map(print).join(", ")})`;
    case "ListLiteral":
      return `[${expr.elements.map(print).join(", ")}]`;
    default:
      throw new Error(`not generated: ${expr.kind}`);
  }
}

const name = (text: string) => ({ kind: "Name" as const, text, span: noSpan });
const identifierNames = fc.constantFrom(
  "a",
  "b",
  "principal",
  "resource",
  "env",
  "intent",
  "action",
  "event",
  "count_x",
);
const fieldNames = fc.constantFrom("x", "owner", "when", "policy", "resource");

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  identifierNames.map((text): Expr => ({ kind: "Identifier", name: name(text), span: noSpan })),
  fc.nat({ max: 1000 }).map((value): Expr => ({ kind: "NumberLiteral", value, span: noSpan })),
  fc.boolean().map((value): Expr => ({ kind: "BoolLiteral", value, span: noSpan })),
  fc.string({ maxLength: 5 }).map((value): Expr => ({ kind: "StringLiteral", value, span: noSpan })),
  fc.nat({ max: 10_000 }).map((milliseconds): Expr => ({ kind: "DurationLiteral", milliseconds, span: noSpan })),
);

const path: fc.Arbitrary<Expr> = fc
  .tuple(identifierNames, fc.array(fieldNames, { maxLength: 3 }))
  .map(([root, fields]) =>
    fields.reduce<Expr>((object, field) => ({ kind: "Member", object, property: name(field), span: noSpan }), {
      kind: "Identifier",
      name: name(root),
      span: noSpan,
    }),
  );

const { expression } = fc.letrec<{ expression: Expr }>((tie) => ({
  expression: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    path,
    fc
      .tuple(
        fc.constantFrom<BinaryOperator>(...(Object.keys(precedenceOf) as BinaryOperator[])),
        tie("expression"),
        tie("expression"),
      )
      .map(([operator, left, right]): Expr => ({
        kind: "Binary",
        operator,
        operatorSpan: noSpan,
        left,
        right,
        span: noSpan,
      })),
    fc
      .tuple(fc.constantFrom<"not" | "-">("not", "-"), tie("expression"))
      .map(([operator, operand]): Expr => ({ kind: "Unary", operator, operand, span: noSpan })),
    fc
      .tuple(tie("expression"), fieldNames)
      .map(([object, field]): Expr => ({ kind: "Member", object, property: name(field), span: noSpan })),
    path.map((p): Expr => ({ kind: "Has", path: p, span: noSpan })),
    fc
      .array(tie("expression"), { maxLength: 3 })
      .map((args): Expr => ({ kind: "Call", callee: name("f"), args, span: noSpan })),
    fc
      .array(tie("expression"), { maxLength: 3 })
      .map((elements): Expr => ({ kind: "ListLiteral", elements, span: noSpan })),
  ),
}));

function stripParens(expr: Expr): Expr {
  switch (expr.kind) {
    case "Paren":
      return stripParens(expr.inner);
    case "Binary":
      return { ...expr, left: stripParens(expr.left), right: stripParens(expr.right) };
    case "Unary":
      return { ...expr, operand: stripParens(expr.operand) };
    case "Member":
      return { ...expr, object: stripParens(expr.object) };
    case "Has":
      return { ...expr, path: stripParens(expr.path) };
    case "Call":
      return { ...expr, args: expr.args.map(stripParens) };
    case "ListLiteral":
      return { ...expr, elements: expr.elements.map(stripParens) };
    default:
      return expr;
  }
}

describe("expression round trip", () => {
  it("parses printed expression trees back into the same operator structure", () => {
    fc.assert(
      fc.property(expression, (tree) => {
        const text = `policy p\nallow r: read when ${print(tree)}`;
        const source = new Source(text, "roundtrip.agp");
        const result = parsePolicy(source);
        expect(result.diagnostics.map((d) => d.message)).toEqual([]);
        const rule = result.ast?.declarations[0];
        if (rule?.kind !== "RuleDecl" || !rule.when) throw new Error("no condition");
        expect(exprText(stripParens(rule.when))).toBe(exprText(tree));
        walk(rule.when, (node) => {
          if (node.kind === "Binary") expect(source.slice(node.operatorSpan)).toBe(node.operator);
          if (node.kind === "Paren") expect(source.slice(node.span)).toMatch(/^\(.*\)$/s);
        });
      }),
      { numRuns: 500 },
    );
  });
});

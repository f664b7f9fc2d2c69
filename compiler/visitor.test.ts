import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type * as ast from "./ast.js";
import { parsePolicy, parseTestFile } from "./parse.js";
import { Source } from "./source.js";
import { forEachChild, walk } from "./visitor.js";

function parsedPolicy(text: string): ast.PolicyFile {
  const file = parsePolicy(new Source(text, "v.agp")).ast;
  if (!file) throw new Error("no AST");
  return file;
}

describe("forEachChild", () => {
  it("lists direct children in source order", () => {
    const file = parsedPolicy('policy p\ndeny r: read, write on Doc when a.b == f(1) grant 1m reason "x"');
    const rule = file.declarations[0];
    if (!rule) throw new Error("no rule");
    const kinds: string[] = [];
    forEachChild(rule, (child) => kinds.push(child.kind === "Name" ? `Name:${child.text}` : child.kind));
    expect(kinds).toEqual([
      "Name:r",
      "Name:read",
      "Name:write",
      "Name:Doc",
      "Binary",
      "DurationLiteral",
      "StringLiteral",
    ]);
  });
});

describe("walk", () => {
  it("visits every node of the DESIGN.md example, parents first, in source order", () => {
    const text = readFileSync(new URL("./__fixtures__/design-example.agp", import.meta.url), "utf8");
    const source = new Source(text, "design.agp");
    const file = parsePolicy(source).ast;
    if (!file) throw new Error("no AST");
    const names: string[] = [];
    let previousStart = -1;
    let ordered = true;
    walk(file, (node, parent) => {
      if (parent) expect(node.span.start).toBeGreaterThanOrEqual(parent.span.start);
      if (node.kind === "Name") {
        names.push(node.text);
        ordered &&= node.span.start > previousStart;
        previousStart = node.span.start;
        expect(source.slice(node.span)).toBe(node.text);
      }
    });
    expect(ordered).toBe(true);
    expect(names.slice(0, 3)).toEqual(["expenses", "public", "internal"]);
    expect(names).toContain("onBehalfOf");
    expect(names[names.length - 1]).toBe("secret");
  });

  it("visits every kind of node in a test file", () => {
    const text = readFileSync(new URL("./__fixtures__/design-example.test.agp", import.meta.url), "utf8");
    const file = parseTestFile(
      new Source(
        `${text}\ncase "more" { advance 1m redeem refused "r" revoke grant resolve review approve expect session downgraded to a }`,
        "t.test.agp",
      ),
    ).ast;
    if (!file) throw new Error("no AST");
    const kinds = new Set<string>();
    walk(file, (node) => void kinds.add(node.kind));
    for (const kind of [
      "TestFile",
      "LetDecl",
      "RecordLiteral",
      "RecordLiteralField",
      "CaseDecl",
      "SessionStep",
      "ExpectDecisionStep",
      "AdvanceStep",
      "RedeemStep",
      "RevokeStep",
      "ResolveReviewStep",
      "ExpectStateStep",
      "DurationLiteral",
      "StringLiteral",
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it("skips a node's children when the visitor returns false", () => {
    const file = parsedPolicy("policy p\nallow r: read when a and b\nallow s: read");
    const visited: string[] = [];
    walk(file, (node) => {
      visited.push(node.kind);
      return node.kind !== "RuleDecl";
    });
    expect(visited).toEqual(["PolicyFile", "Name", "RuleDecl", "RuleDecl"]);
  });

  it("walks trees far deeper than the call stack allows", () => {
    let expr: ast.Expr = { kind: "BoolLiteral", value: true, span: { start: 0, end: 4 } };
    for (let i = 0; i < 200_000; i++)
      expr = { kind: "Unary", operator: "not", operand: expr, span: { start: 0, end: 4 } };
    let count = 0;
    walk(expr, () => void count++);
    expect(count).toBe(200_001);
  });
});

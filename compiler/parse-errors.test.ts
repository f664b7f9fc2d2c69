import { describe, expect, it } from "vitest";
import { generatePolicy } from "../bench/generate.js";
import { parsePolicy, parseTestFile } from "./parse.js";
import { check } from "./index.js";
import { Source } from "./source.js";
import { formatDiagnostic, type Diagnostic } from "./diagnostics.js";

const header = "policy p\n";

function diagnose(text: string): { code: string; underlined: string; message: string }[] {
  const source = new Source(text, "errors.agp");
  return parsePolicy(source).diagnostics.map((d) => ({
    code: d.code,
    underlined: source.slice(d.span),
    message: d.message,
  }));
}

describe("syntax errors (AGP1005)", () => {
  it("says what was expected after what, and names the token found", () => {
    expect(diagnose(`${header}allow a read when true`)).toEqual([
      { code: "AGP1005", underlined: "read", message: "expected `:` after the rule name, found `read`" },
    ]);
    expect(diagnose(`${header}deny b: * when (x or ) reason "r"`)).toEqual([
      { code: "AGP1005", underlined: ")", message: "expected an expression after `or`, found `)`" },
    ]);
    expect(diagnose(`${header}allow c: read grant 15`)).toEqual([
      { code: "AGP1005", underlined: "15", message: "expected a duration after `grant`, found `15`" },
    ]);
    expect(diagnose(`${header}intent i { actions read }`)).toEqual([
      {
        code: "AGP1005",
        underlined: "{",
        message: "expected a string after the intent name (its description), found `{`",
      },
    ]);
  });

  it("asks for a comma or the closing bracket after an element of a list", () => {
    expect(diagnose(`${header}resource R { owner: User label: sensitivity }`)).toEqual([
      { code: "AGP1005", underlined: "label", message: "expected `,` or `}` after `User`, found `label`" },
    ]);
    expect(diagnose(`${header}allow a: read when x in ["a" "b"]`)).toEqual([
      { code: "AGP1005", underlined: '"b"', message: 'expected `,` or `]` after `"a"`, found `"b"`' },
    ]);
    expect(diagnose(`${header}allow a: read when f(x y)`)).toEqual([
      { code: "AGP1005", underlined: "y", message: "expected `,` or `)` after `x`, found `y`" },
    ]);
    expect(diagnose(`${header}allow a: read when x == R { a: 1 b: 2 }`)).toEqual([
      { code: "AGP1005", underlined: "b", message: "expected `,` or `}` after `1`, found `b`" },
    ]);
    // Right after the opening bracket or a comma, only the bracket can come.
    expect(diagnose(`${header}entity E { 5 }`)).toEqual([{ code: "AGP1005", underlined: "5", message: "expected `}` after `{`, found `5`" }]);
    expect(diagnose(`${header}allow a: read when x in [1, , 2]`)).toEqual([{ code: "AGP1005", underlined: ",", message: "expected `]` after `,`, found `,`" }]);
    expect(diagnose(`${header}entity E { a: number, , b: string }`)).toEqual([{ code: "AGP1005", underlined: ",", message: "expected `}` after `,`, found `,`" }]);
  });

  it("hints at the usual mistake: `=` for `==`, clauses out of order, an unquoted refusal", () => {
    const helpOf = (text: string, parse: (source: Source) => { readonly diagnostics: readonly Diagnostic[] } = parsePolicy) =>
      parse(new Source(text, "errors.agp")).diagnostics.map((d) => d.help);
    expect(helpOf(`${header}allow a: read when principal.x = "a"`)).toEqual(["to compare, write `==`"]);
    expect(helpOf(`${header}entity User { a: string = "x" }`)).toEqual([undefined]);
    expect(helpOf(`${header}allow a: read grant 5m when true`)[0]).toMatch(/^a rule's clauses come in this order/);
    expect(helpOf('test p\ncase "c" {\n  redeem refused expired\n}\n', parseTestFile)).toEqual(['the refusal is quoted: `redeem refused "expired"`']);
    // A declaration without a name: first in the file, and after another one (where `deny:` reads as a field name).
    expect(helpOf(`${header}deny: * on R`)).toEqual(["a rule needs a name: `deny NAME: ...`"]);
    expect(helpOf(`${header}allow a: read\nmonitor: * when true alert "x"`)).toEqual(["a monitor needs a name: `monitor NAME: ...`"]);
    expect(helpOf(`${header}separate: a, b on R by resource.id`)).toEqual(["a separation needs a name: `separate NAME: ...`"]);
    // Not a declaration: a record missing a comma before a field named like one.
    expect(helpOf(`${header}allow a: read when x == R { a: 1 deny: 2 }`)).toEqual([undefined]);
    expect(helpOf('test p\nlet x = Flags { a: true allow: false }\n', parseTestFile)).toEqual([undefined]);
    // Test files declare no rules.
    expect(helpOf("test p\nlet u = User { a: 1 }\nallow: true\n", parseTestFile)).toEqual([undefined]);
  });

  it("names the next declaration (or the end of the file) when a declaration stops early", () => {
    expect(diagnose(`${header}allow a: read when\nallow b: read`)).toEqual([
      { code: "AGP1005", underlined: "allow", message: "expected an expression after `when`, found `allow`" },
    ]);
    expect(diagnose(`${header}deny d: read reason`)).toEqual([
      { code: "AGP1005", underlined: "", message: "expected a string after `reason`, found the end of the file" },
    ]);
  });

  it("reports stray tokens after a declaration and before the first one", () => {
    expect(diagnose(`${header}allow a: read when x y`)).toEqual([
      { code: "AGP1005", underlined: "y", message: "expected a new declaration, found `y`" },
    ]);
    expect(diagnose(`${header}oops\nallow a: read`)[0]).toMatchObject({ code: "AGP1005", underlined: "oops" });
  });

  it("refuses chained comparisons and a `not` where only a comparison operand may stand", () => {
    expect(diagnose(`${header}allow a: read when a < b < c`)).toEqual([
      { code: "AGP1005", underlined: "<", message: "comparisons do not chain, found `<` after a comparison" },
    ]);
    expect(diagnose(`${header}allow a: read when a < b`)).toEqual([]);
    expect(diagnose(`${header}allow a: read when a == not b`)).toEqual([
      { code: "AGP1005", underlined: "not", message: "expected an expression after `==`, found `not`" },
    ]);
    expect(diagnose(`${header}allow a: read when - not b`)[0]).toMatchObject({ code: "AGP1005", underlined: "not" });
  });
});

describe("lexical errors inside declarations", () => {
  it("report only the lexical error, not the parse error it causes, and drop the declaration", () => {
    const source = new Source(`${header}allow a: read when resource.amount # 3\nallow b: read`, "x.agp");
    const result = parsePolicy(source);
    expect(result.diagnostics.map((d) => [d.code, source.slice(d.span)])).toEqual([["AGP1001", "#"]]);
    expect(result.ast?.declarations.map((d) => d.kind === "RuleDecl" && d.name.text)).toEqual(["b"]);
  });

  it.each([
    ['deny d: read reason "oops', "AGP1002", '"oops'],
    ['deny d: read reason "bad \\q escape"', "AGP1003", "\\q"],
    ["/* never closed\ndeny d: read", "AGP1004", "/*"],
    ["allow a: read grant 15x", "AGP1007", "15x"],
  ])("%s reports exactly %s", (text, code, underlined) => {
    expect(diagnose(`${header}${text}`).map((d) => [d.code, d.underlined])).toEqual([[code, underlined]]);
  });
});

describe("after a declaration that could not be read", () => {
  it("the checker does not add unknown-name errors about what it declared, nor a missing agent type", () => {
    const text = `${header}agent Assistant { name: string, rôle: string }
resource Doc { owner: string title: string }
action read on Doc
intent work "w" { actions read }
allow a: read on Doc when resource.owner == "x"
allow b: read on Memo
`;
    const reported = check(text, { path: "cascade.agp" }).diagnostics.map((d) => [d.code, d.source.slice(d.span)]);
    // `Memo` is declared nowhere, readable or not: still reported.
    expect(reported).toEqual([
      ["AGP1001", "ô"],
      ["AGP1005", "title"],
      ["AGP2001", "Memo"],
    ]);
  });
});

describe("the file header (AGP1006)", () => {
  it("is required: without it there is no AST and one diagnostic", () => {
    const source = new Source("allow a: read", "x.agp");
    const result = parsePolicy(source);
    expect(result.ast).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.code, source.slice(d.span), d.message])).toEqual([
      ["AGP1006", "allow", "missing `policy NAME` header, found `allow`"],
    ]);
  });

  it("needs a name", () => {
    expect(diagnose("policy\nallow a: read")).toMatchObject([
      { code: "AGP1006", underlined: "allow", message: "expected a name after `policy`, found `allow`" },
    ]);
  });

  it("is reported at the start of an empty file", () => {
    const result = parsePolicy(new Source("// nothing here\n", "empty.agp"));
    expect(result.diagnostics.map((d) => [d.code, d.span])).toEqual([["AGP1006", { start: 0, end: 0 }]]);
    expect(result.comments.map((c) => c.text)).toEqual(["// nothing here"]);
  });

  it("gives an AST with no declarations for a file that is only a header", () => {
    expect(parsePolicy(new Source("policy p", "x.agp"))).toMatchObject({
      ast: { name: { text: "p" }, declarations: [] },
      diagnostics: [],
    });
  });
});

describe("recovery", () => {
  it("reports five independent errors in five declarations and keeps the good declarations", () => {
    const text = [
      "policy p",
      "entity User { name string }",
      "allow ok1: read",
      "allow a read",
      "deny b: read when (x or",
      "action submit approve on Doc",
      "allow ok2: read when x == 1",
      "monitor m: read then explode",
      "allow ok3: *",
    ].join("\n");
    const found = diagnose(text);
    expect(found.map((d) => [d.code, d.underlined])).toEqual([
      ["AGP1005", "string"],
      ["AGP1005", "read"],
      ["AGP1005", "action"],
      ["AGP1005", "approve"],
      ["AGP1005", "explode"],
    ]);
    const ast = parsePolicy(new Source(text, "x.agp")).ast;
    expect(ast?.declarations.map((d) => d.kind === "RuleDecl" && d.name.text)).toEqual(["ok1", "ok2", "ok3"]);
  });

  it("reports one error per broken test case and keeps the others", () => {
    const source = new Source(
      'test p\nlet a = \ncase "x" { expect allow }\nlet b = 1\ncase "y" { advance }',
      "t.test.agp",
    );
    const result = parseTestFile(source);
    expect(result.diagnostics.map((d) => [d.code, source.slice(d.span)])).toEqual([
      ["AGP1005", "case"],
      ["AGP1005", "}"],
      ["AGP1005", "}"],
    ]);
    expect(result.ast?.declarations.map((d) => d.kind === "LetDecl" && d.name.text)).toEqual(["b"]);
  });
});

describe("robustness", () => {
  it.each([
    ["parentheses", (n: number) => `${"(".repeat(n)}true${")".repeat(n)}`, "("],
    ["not", (n: number) => `${"not ".repeat(n)}true`, "not"],
    ["unary minus", (n: number) => `${"- ".repeat(n)}1 > 0`, "-"],
    ["lists", (n: number) => `x in ${"[".repeat(n)}${"]".repeat(n)}`, "["],
    ["records", (n: number) => `x == ${"{a: ".repeat(n)}1${"}".repeat(n)}`, "{"],
    ["not and parentheses", (n: number) => `${"not (".repeat(n)}true${")".repeat(n)}`, "not"],
  ])("turns 10,000 levels of %s into one AGP1008, never a RangeError", (_, nest, underlined) => {
    const found = diagnose(`${header}allow a: read when ${nest(10_000)}\nallow b: read`);
    expect(found.map((d) => [d.code, d.underlined])).toEqual([["AGP1008", underlined]]);
  });

  it("parses nesting just under the limit", () => {
    expect(diagnose(`${header}allow a: read when ${"(".repeat(199)}true${")".repeat(199)}`)).toEqual([]);
    expect(diagnose(`${header}allow a: read when ${"not (".repeat(100)}true${")".repeat(100)}`)).toEqual([]);
  });

  it("bounds operator chains that would build a very deep tree", () => {
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `x${i}`).join(" or ");
    expect(diagnose(`${header}allow a: read when ${chain(500)}`)).toEqual([]);
    expect(diagnose(`${header}allow a: read when ${chain(20_000)}`).map((d) => d.code)).toEqual(["AGP1008"]);
  });

  it("never throws on odd input", () => {
    for (const text of [
      "",
      "policy",
      "policy p {",
      "policy p\n}",
      'policy p\n"',
      "policy p\n\u0000\u2028",
      "test",
      "policy p\nallow a: read when }{)(][",
    ]) {
      expect(() => parsePolicy(new Source(text, "x.agp"))).not.toThrow();
      expect(() => parseTestFile(new Source(text, "x.test.agp"))).not.toThrow();
    }
  });

  it("parses a 5 MB policy of 50,000 rules without errors, and 5,000 rules quickly (times printed)", () => {
    const small = generatePolicy(5_000);
    parsePolicy(new Source(small, "warmup.agp"));
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      const result = parsePolicy(new Source(small, "small.agp"));
      best = Math.min(best, performance.now() - start);
      expect(result.diagnostics).toEqual([]);
    }
    const large = generatePolicy(50_000);
    const start = performance.now();
    const result = parsePolicy(new Source(large, "large.agp"));
    const largeMs = performance.now() - start;
    expect(result.diagnostics).toEqual([]);
    expect(result.ast?.declarations.length).toBeGreaterThan(50_000);
    console.log(
      `parse: 5,000 rules (${(small.length / 1e6).toFixed(2)} MB) best of 3 ${best.toFixed(0)} ms; ` +
        `50,000 rules (${(large.length / 1e6).toFixed(2)} MB) ${largeMs.toFixed(0)} ms`,
    );
  }, 120_000);
});

describe("no declaration is dropped without a diagnostic", () => {
  it("a rule whose duration names an inherited property is an error, not a rule silently left out", () => {
    const result = parsePolicy(new Source("policy p\ncontext { d: duration }\nallow r: read\ndeny block: read when env.d < 1toString\n", "p.agp"));
    expect(result.diagnostics.map((d) => d.code)).toEqual(["AGP1007"]);
  });
});

describe("code frames", () => {
  it("frame the diagnostic's own line when a comment holds a line or paragraph separator", () => {
    const text = "policy p\n// a note \u2028 with a separator \u2029 or two\nallow a: read when resource.amount # 3\n";
    const [diagnostic] = parsePolicy(new Source(text, "p.agp")).diagnostics;
    expect(formatDiagnostic(diagnostic!)).toMatch(/> 3 \| allow a: read when resource\.amount # 3/);
  });

  it("do not count a byte-order mark as a column of line 1", () => {
    const [diagnostic] = parsePolicy(new Source("\uFEFFpolicy 1", "p.agp")).diagnostics;
    expect(formatDiagnostic(diagnostic!).split("\n").slice(0, 3)).toEqual([
      "p.agp:1:8: error AGP1006: expected a name after `policy`, found `1`",
      "> 1 | policy 1",
      "    |        ^",
    ]);
  });
});

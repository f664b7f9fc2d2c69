import { describe, expect, it } from "vitest";
import { decodeStringLiteral, tokenize } from "./lexer.js";
import { Source } from "./source.js";

function lex(text: string) {
  const source = new Source(text, "lexer.agp");
  const result = tokenize(source);
  return {
    kinds: result.tokens.map((t) => `${t.tokenType.name}:${t.image}`),
    diagnostics: result.diagnostics.map((d) => ({
      code: d.code,
      underlined: source.slice(d.span),
      message: d.message,
    })),
    comments: result.comments,
  };
}

describe("tokenize", () => {
  it("tells keywords from identifiers, longest keyword first", () => {
    expect(lex("intent in actions action inside policy_x allow").kinds).toEqual([
      "Intent:intent",
      "In:in",
      "Actions:actions",
      "Action:action",
      "Identifier:inside",
      "Identifier:policy_x",
      "Allow:allow",
    ]);
  });

  it("keeps `approve` and `reject` identifiers (DESIGN.md names an action `approve`)", () => {
    expect(lex("approve reject active").kinds).toEqual([
      "Identifier:approve",
      "Identifier:reject",
      "Identifier:active",
    ]);
  });

  it("lexes numbers, durations and operators without a sign", () => {
    expect(lex("-42 3.5 90s 15m 2h 7d 500ms <= >= == != < > = + - * / ? .").kinds).toEqual([
      "Minus:-",
      "NumberLiteral:42",
      "NumberLiteral:3.5",
      "DurationLiteral:90s",
      "DurationLiteral:15m",
      "DurationLiteral:2h",
      "DurationLiteral:7d",
      "DurationLiteral:500ms",
      "LessEqual:<=",
      "GreaterEqual:>=",
      "EqualEqual:==",
      "NotEqual:!=",
      "Less:<",
      "Greater:>",
      "Equals:=",
      "Plus:+",
      "Minus:-",
      "Star:*",
      "Slash:/",
      "Question:?",
      "Dot:.",
    ]);
  });

  it("keeps comments out of the token stream but returns them with their spans", () => {
    const text = "policy p // trailing\n/* block\n comment */ allow";
    const result = lex(text);
    expect(result.kinds).toEqual(["Policy:policy", "Identifier:p", "Allow:allow"]);
    expect(result.comments.map((c) => c.text)).toEqual(["// trailing", "/* block\n comment */"]);
    for (const comment of result.comments) expect(text.slice(comment.span.start, comment.span.end)).toBe(comment.text);
  });

  it("reports an unexpected character (AGP1001) and goes on", () => {
    const result = lex("a # b");
    expect(result.kinds).toEqual(["Identifier:a", "Identifier:b"]);
    expect(result.diagnostics).toEqual([{ code: "AGP1001", underlined: "#", message: "unexpected character `#`" }]);
  });

  it("reports an unterminated string (AGP1002) up to the end of its line, and still yields the token", () => {
    const result = lex('reason "oops\nallow');
    expect(result.kinds).toEqual(["Reason:reason", 'StringLiteral:"oops', "Allow:allow"]);
    expect(result.diagnostics.map((d) => [d.code, d.underlined])).toEqual([["AGP1002", '"oops']]);
  });

  it("reports a string cut by the end of the text (AGP1002)", () => {
    expect(lex('"abc').diagnostics.map((d) => [d.code, d.underlined])).toEqual([["AGP1002", '"abc']]);
  });

  it("reports invalid escapes (AGP1003) with the escape underlined", () => {
    expect(lex('"bad \\q escape" "\\u12"').diagnostics.map((d) => [d.code, d.underlined])).toEqual([
      ["AGP1003", "\\q"],
      ["AGP1003", "\\u12"],
    ]);
  });

  it("reports an unterminated block comment (AGP1004) at its opening", () => {
    const result = lex("a /* never closed\nallow b");
    expect(result.kinds).toEqual(["Identifier:a"]);
    expect(result.diagnostics.map((d) => [d.code, d.underlined])).toEqual([["AGP1004", "/*"]]);
  });

  it("reports bad numbers and durations (AGP1007)", () => {
    const result = lex("15x 1.5m 5sec 15_000");
    expect(result.diagnostics.map((d) => [d.code, d.underlined])).toEqual([
      ["AGP1007", "15x"],
      ["AGP1007", "1.5m"],
      ["AGP1007", "5sec"],
      ["AGP1007", "15_000"],
    ]);
    expect(result.diagnostics[1]?.message).toBe("a duration needs a whole number, found `1.5m`");
  });

  it("reports numbers too large to hold and durations longer than 1000000d (AGP1007)", () => {
    const huge = "9".repeat(400);
    const result = lex(`${huge} ${huge}d 1000001d 100000000000d 1000000d 24000000h ${"9".repeat(300)}`);
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["AGP1007", `number \`${"9".repeat(20)}…\` is too large`],
      ["AGP1007", `duration \`${"9".repeat(20)}…\` is too long`],
      ["AGP1007", "duration `1000001d` is too long"],
      ["AGP1007", "duration `100000000000d` is too long"],
    ]);
  });

  it("takes no inherited property name for a unit: `1toString` is no duration", () => {
    const result = lex("1toString 2constructor 3__proto__ 4hasOwnProperty 5valueOf 1.5toString");
    expect(result.diagnostics.map((d) => [d.code, d.underlined])).toEqual([
      ["AGP1007", "1toString"],
      ["AGP1007", "2constructor"],
      ["AGP1007", "3__proto__"],
      ["AGP1007", "4hasOwnProperty"],
      ["AGP1007", "5valueOf"],
      ["AGP1007", "1.5toString"],
    ]);
  });
});

describe("decodeStringLiteral", () => {
  it("decodes JSON escapes", () => {
    expect(decodeStringLiteral('"a\\"b\\\\c\\/d\\n\\t\\r\\u00e9\\ud83d\\ude00"')).toEqual({
      value: 'a"b\\c/d\n\t\ré😀',
      problems: [],
    });
  });

  it("keeps a bad escape as written and lists it", () => {
    expect(decodeStringLiteral('"x\\qy"')).toEqual({
      value: "x\\qy",
      problems: [{ code: "AGP1003", start: 2, end: 4 }],
    });
  });

  it("tells an escaped closing quote from a real one", () => {
    expect(decodeStringLiteral('"a\\"').problems.map((p) => p.code)).toEqual(["AGP1002"]);
    expect(decodeStringLiteral('"a\\\\"')).toEqual({ value: "a\\", problems: [] });
  });
});

describe("chevrotain bundle", () => {
  it("is loaded from the file beside the package entry, the same version as the package", async () => {
    const { chevrotain, chevrotainBundleUrl } = await import("./chevrotain.js");
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(chevrotainBundleUrl, "utf8").length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(new URL("../package.json", chevrotainBundleUrl), "utf8")) as { version: string };
    expect(chevrotain.VERSION).toBe(manifest.version);
  });
});

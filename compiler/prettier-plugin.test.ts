/**
 * The canonical layout, comment placement and error handling of the agp Prettier plugin,
 * through Prettier itself (as `prettier --plugin agp/prettier-plugin` runs it) and through
 * {@link formatAgp} (as `agp fmt` runs it).
 */
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { AgpSyntaxError, agpPrettierPlugin, formatAgp } from "./prettier-plugin.js";
import { quoteString } from "./printer.js";

async function format(text: string, filepath = "policy.agp"): Promise<string> {
  const result = await formatAgp(text, { path: filepath });
  if (result.formatted === undefined) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return result.formatted;
}

const types = "policy p\nentity User { teams: [string], approver: bool }\nagent A { onBehalfOf: User }\n";

describe("rules", () => {
  it("keeps a rule that fits in 100 columns on one line", async () => {
    const text = "policy p\ndeny   night : *\n  when env.hour < 6   or env.hour >= 22\n  reason \"outside working hours\"\n";
    expect(await format(text)).toBe('policy p\ndeny night: * when env.hour < 6 or env.hour >= 22 reason "outside working hours"\n');
  });

  it("puts each clause of a long rule on its own line, indented by two", async () => {
    const text =
      'policy p\nallow approve_reports: approve on ExpenseReport when principal.onBehalfOf.approver grant 5m reason "approvers approve reports"\n';
    expect(await format(text)).toBe(
      [
        "policy p",
        "allow approve_reports: approve on ExpenseReport",
        "  when principal.onBehalfOf.approver",
        "  grant 5m",
        '  reason "approvers approve reports"',
        "",
      ].join("\n"),
    );
  });

  it("breaks a long `and` chain one operand per line, operator first", async () => {
    const text =
      "policy p\nallow deploy: deploy on Repository when principal.onBehalfOf.releaser and has env.ci and env.ci.pipeline == \"release\" and starts_with(env.branch, \"release/\") grant 5m\n";
    expect(await format(text)).toBe(
      [
        "policy p",
        "allow deploy: deploy on Repository",
        "  when principal.onBehalfOf.releaser",
        "    and has env.ci",
        '    and env.ci.pipeline == "release"',
        '    and starts_with(env.branch, "release/")',
        "  grant 5m",
        "",
      ].join("\n"),
    );
  });

  it("keeps parentheses as written and indents a nested chain of the other operator", async () => {
    const long = "resource.environment_name_that_is_long";
    const text = `policy p\ndeny d: read when (${long} == "a" or ${long} == "b") and not (${long} == "c") or ${long} == "d" and ${long} == "e"\n`;
    expect(await format(text)).toBe(
      [
        "policy p",
        "deny d: read",
        "  when (",
        `      ${long} == "a" or ${long} == "b"`,
        "    )",
        `      and not (${long} == "c")`,
        `    or ${long} == "d"`,
        `      and ${long} == "e"`,
        "",
      ].join("\n"),
    );
  });

  it("breaks a long history query inside its parentheses", async () => {
    const text =
      "policy p\nallow a: authorize on Refund when exists(resource where event.action == issue and event.principal.onBehalfOf.region_name == principal.onBehalfOf.region_name within 10m)\n";
    expect(await format(text)).toBe(
      [
        "policy p",
        "allow a: authorize on Refund",
        "  when exists(",
        "    resource",
        "    where event.action == issue",
        "      and event.principal.onBehalfOf.region_name == principal.onBehalfOf.region_name",
        "    within 10m",
        "  )",
        "",
      ].join("\n"),
    );
  });

  it("prints separations and monitors with their clauses", async () => {
    const text =
      'policy p\nseparate  s : submit ,approve on R by principal.onBehalfOf reason "x"\nmonitor m: read when intent == summarize then revoke,review "r"\n';
    expect(await format(text)).toBe(
      'policy p\nseparate s: submit, approve on R by principal.onBehalfOf reason "x"\nmonitor m: read when intent == summarize then revoke, review "r"\n',
    );
  });
});

describe("declarations", () => {
  it("prints records as `{ a: T, b: U }` and keeps one an author expanded expanded", async () => {
    const text = `${types}resource R {\n  owner: User, amount: number }\ncontext {hour:number,device:{managed:bool}}\n`;
    expect(await format(text)).toBe(
      [
        "policy p",
        "entity User { teams: [string], approver: bool }",
        "agent A { onBehalfOf: User }",
        "resource R {",
        "  owner: User,",
        "  amount: number,",
        "}",
        "context { hour: number, device: { managed: bool } }",
        "",
      ].join("\n"),
    );
  });

  it("keeps the author's blank lines between declarations, at most one", async () => {
    const text = "policy p\n\n\n\nsensitivity a < b\naction read on R\n\n\n\naction write on R\n";
    expect(await format(text)).toBe("policy p\n\nsensitivity a < b\naction read on R\n\naction write on R\n");
  });

  it("prints intents on one line when they fit", async () => {
    expect(await format('policy p\nintent  s "Summarize"  {  actions read , write  max internal }\n')).toBe(
      'policy p\nintent s "Summarize" { actions read, write max internal }\n',
    );
  });
});

describe("literals", () => {
  it("re-escapes strings canonically, keeping their value", async () => {
    const text = 'policy p\ndeny d: read when env.x == "a\\/b\\u0041\\t\\"q\\"\\\\" reason "caf\\u00e9"\n';
    expect(await format(text)).toBe('policy p\ndeny d: read when env.x == "a/bA\\t\\"q\\"\\\\" reason "café"\n');
  });

  it("escapes control characters, line separators and lone surrogates", () => {
    expect(quoteString("a\u0001b\u2028c\ud800")).toBe('"a\\u0001b\\u2028c\\ud800"');
    expect(quoteString("😀\n")).toBe('"😀\\n"');
  });

  it("prints numbers and durations as written", async () => {
    expect(await format("policy p\ndeny d: * when env.amount > 0.50 and env.age < 90s and env.n > -5\n")).toBe(
      "policy p\ndeny d: * when env.amount > 0.50 and env.age < 90s and env.n > -5\n",
    );
  });
});

describe("test files", () => {
  it("indents steps inside cases and prints fixtures", async () => {
    const text =
      'test p\nlet alice = User {teams:["a"],approver:true}\ncase "c" {\nsession a intent i env {hour: 10}\n\n\nexpect allow read r grant 5m by r1, r2\nadvance 10m\nredeem refused "expired"\nexpect session downgraded to read\nresolve review approve\n}\ncase "empty" {}\n';
    expect(await format(text, "p.test.agp")).toBe(
      [
        "test p",
        'let alice = User { teams: ["a"], approver: true }',
        'case "c" {',
        "  session a intent i env { hour: 10 }",
        "",
        "  expect allow read r grant 5m by r1, r2",
        "  advance 10m",
        '  redeem refused "expired"',
        "  expect session downgraded to read",
        "  resolve review approve",
        "}",
        'case "empty" {}',
        "",
      ].join("\n"),
    );
  });

  it("treats a file starting with `test` as a test file whatever its name", async () => {
    expect(await format('test p\ncase "c" { advance 1m }\n', "odd.agp")).toBe('test p\ncase "c" {\n  advance 1m\n}\n');
  });
});

describe("comments", () => {
  it("keeps comments before the header, between declarations and at the ends of lines", async () => {
    const text = [
      "// header",
      "",
      "policy p // the name",
      "",
      "// about R",
      "resource R {",
      "  a: string,   // first",
      "  b: number, /* second */",
      "}",
      "/* block",
      "   on two lines */",
      "action read on R",
      "// the end",
      "",
    ].join("\n");
    expect(await format(text)).toBe(
      [
        "// header",
        "",
        "policy p // the name",
        "",
        "// about R",
        "resource R {",
        "  a: string, // first",
        "  b: number /* second */,",
        "}",
        "/* block",
        "   on two lines */",
        "action read on R",
        "// the end",
        "",
      ].join("\n"),
    );
  });

  it("keeps comments inside an `and` chain in their line and breaks the chain", async () => {
    const text = "policy p\ndeny d: read when env.a // why a\n and env.b\n reason \"r\"\n";
    expect(await format(text)).toBe('policy p\ndeny d: read\n  when env.a // why a\n    and env.b\n  reason "r"\n');
  });

  it("moves a comment written after a keyword above its declaration", async () => {
    const text = "policy p\ndeny d: read when // odd place\n env.a\n";
    expect(await format(text)).toBe("policy p\n// odd place\ndeny d: read when env.a\n");
  });

  it("prints comments inside empty braces inside them", async () => {
    const text = 'test p\ncase "todo" {\n  // write me\n}\n';
    expect(await format(text, "p.test.agp")).toBe(text);
  });

  it("keeps a block comment that ends a line on that line, never on the next declaration, step or field", async () => {
    const policy = `${types}allow a: read grant 5m /* TODO: shorten */\n\ndeny b: read when not principal.onBehalfOf.approver reason "no"\n`;
    expect(await format(policy)).toBe(policy);
    const fields = "policy p\nentity User { manager: string, /* a */\n  department: string }\n";
    expect(await format(fields)).toBe("policy p\nentity User { manager: string /* a */, department: string }\n");
    const test = 'test p\nlet a = 1 /* about a */\nlet b = 2\ncase "c" {\n  advance 1m /* first */\n  advance 2m\n}\n';
    expect(await format(test, "p.test.agp")).toBe(test);
  });

  it("keeps a `/* */ //` line before a record's `}` in the record, after a field with its own `//` comment", async () => {
    const text = "policy p\nresource Customer { name: string, device: { } // the ticket\n /* c65 */ // c2\n} action read on Customer\n";
    const once = await format(text);
    expect(once).toBe("policy p\nresource Customer {\n  name: string,\n  device: {}, // the ticket\n  /* c65 */ // c2\n}\naction read on Customer\n");
    expect(await format(once)).toBe(once);
  });

  it("keeps a `//` comment on the line of the block comment before it", async () => {
    const test = 'test p\ncase "c" {\n  advance 1m\n  /* redeem */ // disabled for now\n}\n';
    expect(await format(test, "p.test.agp")).toBe(test);
    const fields = "policy p\nentity User {\n  manager: string,\n  /* c */ // d\n}\n";
    expect(await format(fields)).toBe(fields);

    // Code between two block comments: the line does not start with block comments only.
    const separation = 'policy p\nseparate s: write, // a\n  /* b */ deploy on R by principal.x /* c */ // d\n  reason "r"\n';
    expect(await format(separation)).toBe(separation);
  });

  it("keeps block comments that share a line on one line, before a field or after it", async () => {
    const before = "policy p\nentity User {\n  manager: number?,\n  /* a */ /* b */\n  department: string,\n}\n";
    expect(await format(before)).toBe(before);
    // Between a type and its `?`: they end up on that line, and stay there.
    const between = await format("policy p\nentity User {\n  manager: number\n  /* a */ /* b */ ?, department: string }\n");
    expect(between).toBe(before);
  });

  it("keeps a block comment before the `//` comment that ends its line, in that order", async () => {
    const separation = "policy p\nseparate s: write, /* a */ // b\n  deploy on R by principal.x\n";
    const once = await format(separation);
    expect(once).toBe("policy p\nseparate s: write /* a */, // b\n  deploy on R by principal.x\n");
    expect(await format(once)).toBe(once);
    const call = "policy p\nallow a: read when ends_with /* a */ // b\n  (x, y)\n";
    const formatted = await format(call);
    expect(formatted.indexOf("/* a */")).toBeLessThan(formatted.indexOf("// b"));
    expect(await format(formatted)).toBe(formatted);
  });

  it("keeps comments between steps, with their blank lines", async () => {
    const text = 'test p\ncase "c" {\n  advance 1m\n\n  // then\n  advance 2m // why\n}\n';
    expect(await format(text, "p.test.agp")).toBe(text);
  });
});

describe("through Prettier", () => {
  it("formats .agp files found by extension, with the plugin's print width", async () => {
    const out = await prettier.format("policy  p\naction read  on R\n", { filepath: "x/p.agp", plugins: [agpPrettierPlugin] });
    expect(out).toBe("policy p\naction read on R\n");
    const info = await prettier.getSupportInfo({ plugins: [agpPrettierPlugin] });
    expect(info.languages.find((l) => l.name === "agp")?.extensions).toEqual([".agp"]);
  });

  it("refuses a file with a syntax error with file:line:col, so Prettier leaves it untouched", async () => {
    const text = "policy p\naction read on R\ndeny d: read when (env.a\nallow b: read\n";
    const failure = prettier.format(text, { filepath: "dir/bad.agp", plugins: [agpPrettierPlugin] });
    await expect(failure).rejects.toBeInstanceOf(AgpSyntaxError);
    await expect(failure).rejects.toThrow(/^dir\/bad\.agp:4:1: error AGP1005: /);
    await expect(failure).rejects.toMatchObject({ loc: { start: { line: 4, column: 1 } } });
  });

  it("returns the diagnostics of a file with a syntax error from formatAgp", async () => {
    const result = await formatAgp("policy p\ndeny d: read when ==\n", { path: "bad.agp" });
    expect(result.formatted).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(["AGP1005"]);
  });
});

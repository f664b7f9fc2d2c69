/**
 * Fuzzing the front end as users reach it: `check()` (parse + check), `checkTest()` and
 * `compile()`. Random token streams and mutations of the example policies and test files
 * never throw, never hang, report no internal error, and every diagnostic's span lies in the
 * source. Very deep nesting and a 5 MB policy give diagnostics or a result, never a stack
 * overflow. (The parser alone is covered by test/property/parser.property.test.ts.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, checkTest, compile, type CheckedPolicy, type Diagnostic } from "../../compiler/index.js";
import { fuzzSeed, runs } from "../differential/runs.js";

const examplesDir = new URL("../../examples/", import.meta.url).pathname;

/** Every `.agp` file under examples/, policies and test files apart. */
function exampleFiles(): { policies: string[]; tests: string[] } {
  const policies: string[] = [];
  const tests: string[] = [];
  for (const entry of readdirSync(examplesDir, {
    recursive: true,
    encoding: "utf8",
  })) {
    if (!entry.endsWith(".agp")) continue;
    (entry.endsWith(".test.agp") ? tests : policies).push(readFileSync(join(examplesDir, entry), "utf8"));
  }
  return { policies, tests };
}

const examples = exampleFiles();
const examplePolicies: ReadonlyMap<string, CheckedPolicy> = new Map(
  examples.policies.flatMap((text) => {
    const { policy } = check(text, { path: "example.agp" });
    return policy ? [[policy.name, policy] as const] : [];
  }),
);

/** Fails unless every diagnostic lies inside `text` and none is an internal error (AGP9xxx). */
function expectSound(text: string, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) {
    const { start, end } = diagnostic.span;
    if (!(start >= 0 && end >= start && end <= text.length)) {
      throw new Error(
        `span ${start}:${end} outside a ${text.length}-character text: ${diagnostic.code} ${diagnostic.message}`,
      );
    }
    expect(diagnostic.code, diagnostic.message).not.toMatch(/^AGP9/);
  }
}

/** Checks `text` as a policy and as a test file of an example policy; neither may throw or hang. */
function checkBoth(text: string): void {
  const started = Date.now();
  expectSound(text, check(text, { path: "fuzz.agp" }).diagnostics);
  const tested = checkTest(text, { path: "fuzz.test.agp" }, (name) => examplePolicies.get(name), [
    ...examplePolicies.keys(),
  ]);
  expectSound(text, tested.diagnostics);
  // A generous bound: any input here is a few kilobytes; seconds would mean a hang.
  expect(Date.now() - started).toBeLessThan(5_000);
}

const vocabulary = [
  ...["policy", "test", "sensitivity", "entity", "agent", "resource", "context", "action", "on", "intent", "actions"],
  ...["max", "allow", "deny", "when", "grant", "reason", "separate", "by", "monitor", "then", "revoke", "downgrade"],
  ...["to", "review", "alert", "and", "or", "not", "in", "has", "true", "false", "count", "exists", "within", "where"],
  ...[
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
    "now",
  ],
  ...["approve", "reject", "active", "suspended", "live", "read", "x", "User", "Doc", "label", "owner", "secret"],
  ...["string", "number", "bool", "time", "duration", "hour_of", "length", "__proto__", "constructor"],
  ...["{", "}", "(", ")", "[", "]", ",", ":", ".", "?", "*", "<", "<=", ">", ">=", "==", "!=", "=", "+", "-", "/"],
  ...["15m", "0ms", "42", "3.5", "15x", '"s"', '"open', '"\\q"', '"\\u12"', "#", "//c\n", "/*", "*/", "\n", "\u2028"],
];

/** A random edit of a text: delete, insert a token, duplicate, or swap two slices. */
const mutation = fc.record({
  kind: fc.constantFrom("delete", "insert", "duplicate", "swap", "replace"),
  at: fc.nat(),
  other: fc.nat(),
  length: fc.integer({ min: 1, max: 40 }),
  token: fc.constantFrom(...vocabulary, " ", "é", "😀", "\u0000", "\uFEFF", "\r\n"),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, edits: readonly Mutation[]): string {
  let result = text;
  for (const edit of edits) {
    const at = edit.at % (result.length + 1);
    const end = Math.min(result.length, at + edit.length);
    switch (edit.kind) {
      case "delete":
        result = result.slice(0, at) + result.slice(end);
        break;
      case "insert":
        result = `${result.slice(0, at)} ${edit.token} ${result.slice(at)}`;
        break;
      case "duplicate":
        result = result.slice(0, end) + result.slice(at, end) + result.slice(end);
        break;
      case "replace":
        result = result.slice(0, at) + edit.token + result.slice(Math.min(result.length, at + 1));
        break;
      case "swap": {
        const slice = result.slice(at, end);
        const rest = result.slice(0, at) + result.slice(end);
        const to = edit.other % (rest.length + 1);
        result = rest.slice(0, to) + slice + rest.slice(to);
        break;
      }
    }
  }
  return result;
}

const seed = fuzzSeed === undefined ? {} : { seed: fuzzSeed };

describe("parser and checker fuzzing", () => {
  it("finds the examples", () => {
    expect(examples.policies.length).toBeGreaterThanOrEqual(3);
    expect(examples.tests.length).toBeGreaterThanOrEqual(3);
    expect(examplePolicies.size).toBe(examples.policies.length);
  });

  it(
    "never throws on random token streams, as a policy or a test file",
    () => {
      const header = fc.constantFrom("", "policy p\n", "test expenses\n", "test nope\n");
      fc.assert(
        fc.property(header, fc.array(fc.constantFrom(...vocabulary), { maxLength: 120 }), (head, words) => {
          checkBoth(head + words.join(" "));
        }),
        { numRuns: runs(300, 5_000), ...seed },
      );
    },
    runs(30_000, 1_800_000),
  );

  it(
    "never throws on random mutations of the example policies and test files",
    () => {
      const files = [...examples.policies, ...examples.tests];
      fc.assert(
        fc.property(fc.nat(files.length - 1), fc.array(mutation, { minLength: 1, maxLength: 8 }), (index, edits) => {
          checkBoth(mutate(files[index] ?? "", edits));
        }),
        { numRuns: runs(200, 5_000), ...seed },
      );
    },
    runs(30_000, 1_800_000),
  );
});

// ---------------------------------------------------------------------------------------
// Depth and size
// ---------------------------------------------------------------------------------------

const header = `policy deep
agent Bot { n: number, tags: [number] }
resource Doc { n: number }
context { n: number, ok: bool }
action read on Doc
intent work "Work" { actions read }
`;

/** A policy with one rule whose condition is `expr`. */
const withCondition = (expr: string): string => `${header}allow r: read when ${expr}\n`;

const DEEP = 10_000;
const deepConditions: Readonly<Record<string, string>> = {
  parentheses: `${"(".repeat(DEEP)}env.ok${")".repeat(DEEP)}`,
  "`not`": `${"not ".repeat(DEEP)}env.ok`,
  "unary minus": `${"-".repeat(DEEP)}env.n > 0`,
  lists: `env.n in ${"[".repeat(DEEP)}1${"]".repeat(DEEP)}`,
  "`and` chains": Array.from({ length: DEEP }, () => "env.ok").join(" and "),
  "`or` chains": Array.from({ length: DEEP }, () => "env.n > 1").join(" or "),
  "`+` chains": `${Array.from({ length: DEEP }, () => "env.n").join(" + ")} > 0`,
  "`has` chains": `${"has ".repeat(DEEP)}env.n`,
  calls: `${"length(".repeat(DEEP)}"x"${")".repeat(DEEP)} > 0`,
};

describe("deep nesting and size", () => {
  for (const [shape, condition] of Object.entries(deepConditions)) {
    it(`10,000 levels of ${shape}: check and compile give diagnostics, never a stack overflow`, async () => {
      const text = withCondition(condition);
      const checked = check(text, { path: "deep.agp" });
      expectSound(text, checked.diagnostics);
      expect(checked.diagnostics.length).toBeGreaterThan(0);
      const compiled = await compile(text, { path: "deep.agp" });
      expectSound(text, compiled.diagnostics);
      expect(compiled.result).toBeUndefined();
    });
  }

  it("10,000 levels of member chains: check gives diagnostics, never a stack overflow", () => {
    const text = withCondition(`env${".n".repeat(DEEP)} > 0`);
    const checked = check(text, { path: "deep.agp" });
    expectSound(text, checked.diagnostics);
    expect(checked.diagnostics.map((d) => d.code)).toEqual(["AGP1008"]);
  });

  // Deeply nested field types pass the parser's guard up to 200 brackets, but TypeScript gives
  // up on the generated schemas' types near 13 levels: the checker stops them at 10 (AGP3014).
  it.each([
    ["lists", (n: number) => `entity E { x: ${"[".repeat(n)}number${"]".repeat(n)} }`],
    ["records", (n: number) => `entity E { ${"x: {".repeat(n)} y: number ${"}".repeat(n)} }`],
    ["optional records", (n: number) => `context { ${"x: {".repeat(n)} y: number ${"}?".repeat(n)} }`],
  ])(
    "field types of nested %s compile up to 10 levels, and deeper ones are AGP3014 or AGP1008",
    async (_, nest) => {
      const policy = (depth: number) => `${header.replace(/context \{[^\n]*\n/, "")}${nest(depth)}\nallow r: read\n`;
      expect((await compile(policy(10), { path: "deep.agp" })).result?.javascript).toContain("export function decide");
      for (const [depth, code] of [
        [11, "AGP3014"],
        [190, "AGP3014"],
        [DEEP, "AGP1008"],
      ] as const) {
        const text = policy(depth);
        const compiled = await compile(text, { path: "deep.agp" });
        expectSound(text, compiled.diagnostics);
        expect(compiled.diagnostics.map((d) => d.code)).toEqual([code]);
      }
    },
    60_000,
  );

  it("10,000 nested parentheses in a test file's fixture give a diagnostic", () => {
    const text = `test expenses\nlet x = ${"(".repeat(DEEP)}1${")".repeat(DEEP)}\n`;
    const tested = checkTest(text, { path: "deep.test.agp" }, (name) => examplePolicies.get(name));
    expectSound(text, tested.diagnostics);
    expect(tested.diagnostics.map((d) => d.code)).toContain("AGP1008");
  });

  it("deep but accepted nesting compiles to a module", async () => {
    const conditions = [
      `${"(".repeat(150)}env.ok${")".repeat(150)}`,
      `${"not ".repeat(150)}env.ok`,
      Array.from({ length: 200 }, () => "env.ok").join(" and "),
    ];
    for (const condition of conditions) {
      const text = withCondition(condition);
      const compiled = await compile(text, { path: "deep.agp" });
      expectSound(text, compiled.diagnostics);
      expect(compiled.result?.javascript).toContain("export function decide");
    }
  }, 120_000);

  // A chain of N operators counts N levels (compiler/nesting.ts `maxTreeDepth`, 500): every
  // chain the checker accepts also goes through codegen, TypeScript and Prettier, and a longer
  // one is AGP1008 with a help that says how chains count, never an internal error.
  it.each([
    ["`+`", (n: number) => `${Array.from({ length: n }, () => "env.n").join(" + ")} > 1`],
    ["`or`", (n: number) => Array.from({ length: n }, () => "env.n > 1").join(" or ")],
    ["`and`", (n: number) => Array.from({ length: n }, () => "env.ok").join(" and ")],
  ])(
    "a %s chain of 490 operands compiles and one of 900 or 5,000 is AGP1008",
    async (_, chain) => {
      const accepted = await compile(withCondition(chain(490)), { path: "deep.agp" });
      expect(accepted.diagnostics).toEqual([]);
      expect(accepted.result?.javascript).toContain("export function decide");
      for (const length of [900, 5_000]) {
        const text = withCondition(chain(length));
        const refused = await compile(text, { path: "deep.agp" });
        expectSound(text, refused.diagnostics);
        expect(refused.diagnostics.map((d) => [d.code, d.message])).toEqual([
          ["AGP1008", "expression nested too deeply (more than 500 levels)"],
        ]);
        expect(refused.diagnostics[0]?.help).toContain("counts as N levels");
      }
    },
    120_000,
  );

  it("checks a 5 MB policy, reporting an error at its very end in bounds", () => {
    const rules: string[] = [];
    let size = header.length;
    for (let index = 0; size < 5_000_000; index++) {
      const rule = `allow rule_${index}: read when env.n > ${index} and (env.ok or ${index} in principal.tags) reason "rule number ${index}"\n`;
      rules.push(rule);
      size += rule.length;
    }
    const text = `${header}${rules.join("")}allow last: read when env.n > "x"\n`;
    expect(text.length).toBeGreaterThanOrEqual(5_000_000);
    const checked = check(text, { path: "big.agp" });
    expectSound(text, checked.diagnostics);
    expect(checked.diagnostics.map((d) => d.code)).toEqual(["AGP3001"]);
    expect(checked.policy?.rules.length).toBe(rules.length + 1);
  }, 120_000);

  it("a 5 MB string or comment gives a result, never a crash", () => {
    const long = "x".repeat(5_000_000);
    for (const text of [`${header}deny r: read reason "${long}"\n`, `${header}// ${long}\n`, `${header}/* ${long}`]) {
      expectSound(text, check(text, { path: "big.agp" }).diagnostics);
    }
  }, 60_000);
});

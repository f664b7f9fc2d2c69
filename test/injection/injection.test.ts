/**
 * Injection: adversarial names and strings in a policy, and in the requests it decides, never
 * change generated behaviour. A policy that tries to smuggle code either fails to check or
 * compiles to a module that decides exactly as the interpreter (test/differential) says, and
 * whose metadata reproduces every string byte for byte. Requests are built with JSON.parse,
 * so `__proto__` is an own property as it would be on the wire.
 */
import { describe, expect, it } from "vitest";
import { check, compileToModule, formatDiagnostic, hasErrors } from "../../compiler/index.js";
import type { Decision, PolicyModule } from "../../stdlib/contract.js";
import { listFacts } from "../../stdlib/list-facts.js";
import { interpret } from "../differential/interpreter.js";

/** Strings that break out of JS/TS string literals, template literals, comments or HTML. */
const nasty = [
  '"); process.exit(1); ("',
  "'); process.exit(1); ('",
  "`; process.exit(1); `",
  "${process.exit(1)}",
  "*/ process.exit(1); /*",
  "// process.exit(1)",
  "\u2028process.exit(1)\u2029",
  "</script><script>process.exit(1)</script>",
  "\\",
  "\\u0000\\n",
  "\u0000\u0001\u001f\u007f",
  "line\nbreak\ttab\rreturn",
  "\uD83D\uDE00 é \uFEFF",
  "\uD800 lone surrogate",
  "globalThis.injected = true",
  "__proto__",
  "",
];

/** Names that are special on JS objects. */
const specialNames = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "prototype",
  "isPrototypeOf",
];

/** An agp string literal for `value` (JSON's escapes are agp's). */
const agpString = (value: string): string => JSON.stringify(value);

async function compiled(text: string): Promise<PolicyModule> {
  const checked = check(text, { path: "inj.agp" });
  if (hasErrors(checked.diagnostics)) throw new Error(checked.diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  const { module, diagnostics } = await compileToModule(text, {
    path: "inj.agp",
  });
  if (!module) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  return module;
}

/** Decides the JSON text `json` with the module and the interpreter; they must agree. */
function decideBoth(text: string, module: PolicyModule, json: string, history: readonly string[] = []): Decision {
  const policy = check(text, { path: "inj.agp" }).policy;
  if (!policy) throw new Error("no policy");
  const parse = (raw: string) => {
    const parsed = module.requestSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`${raw}: ${JSON.stringify(parsed.error.issues)}`);
    return parsed.data;
  };
  const request = parse(json);
  const past = history.map(parse);
  const decision = module.decide(request, listFacts(module, past));
  expect(decision).toEqual(interpret(policy, request, past));
  return decision;
}

const schema = `policy inj
sensitivity low < high
entity User { name: string }
agent Bot { onBehalfOf: User, note: string }
resource Doc { owner: User, text: string, label: sensitivity, tags: [string] }
context { text: string }
action read, write on Doc
`;

const requestJson = (fields: {
  text?: string;
  env?: string;
  id?: string;
  owner?: string;
  tags?: string[];
  action?: string;
  intent?: string;
}): string =>
  JSON.stringify({
    principal: {
      type: "Bot",
      id: fields.id ?? "b1",
      onBehalfOf: { type: "User", id: fields.owner ?? "u1" },
      note: fields.text ?? "n",
    },
    action: fields.action ?? "read",
    resource: {
      type: "Doc",
      id: fields.id ?? "d1",
      owner: { type: "User", id: fields.owner ?? "u1" },
      text: fields.text ?? "t",
      label: "low",
      tags: fields.tags ?? [],
    },
    intent: fields.intent ?? "work",
    session: fields.id ?? "s",
    at: "2026-01-05T10:00:00Z",
    env: { text: fields.env ?? "e" },
    entities: [{ type: "User", id: fields.owner ?? "u1", name: fields.text ?? "n" }],
  });

describe("injection through strings in policies", () => {
  const rules = nasty.map(
    (value, index) =>
      `deny s${index}: read when env.text == ${agpString(value)} reason ${agpString(value)}\n` +
      `monitor m${index}: write when env.text == ${agpString(value)} then review ${agpString(value)}, alert ${agpString(`${value}!`)}`,
  );
  const intents = nasty.map((value, index) => `intent i${index} ${agpString(value)} { actions read }`);
  const text = `${schema}intent work "Work" { actions read, write }\n${intents.join("\n")}\nallow all: read, write\n${rules.join("\n")}\n`;

  it("compile to a module whose metadata holds every string byte for byte", async () => {
    const module = await compiled(text);
    expect((globalThis as Record<string, unknown>).injected).toBeUndefined();
    nasty.forEach((value, index) => {
      expect(module.rules.find((rule) => rule.name === `s${index}`)?.reason).toBe(value);
      expect(module.intents[`i${index}`]?.description).toBe(value);
    });
  });

  it("decide exactly as the interpreter says, reasons and consequences byte for byte", async () => {
    const module = await compiled(text);
    nasty.forEach((value, index) => {
      const read = decideBoth(text, module, requestJson({ env: value }));
      expect(read.rules).toEqual([`s${index}`]);
      expect(read.reasons).toEqual([value]);
      const write = decideBoth(text, module, requestJson({ env: value, action: "write" }));
      expect(write.consequences).toEqual([
        { type: "review", monitor: `m${index}`, reason: value },
        { type: "alert", monitor: `m${index}`, reason: `${value}!` },
      ]);
    });
    expect(decideBoth(text, module, requestJson({ env: "harmless" })).decision).toBe("allow");
    expect((globalThis as Record<string, unknown>).injected).toBeUndefined();
  });
});

/**
 * A policy using `name` as its name and as a field, type, action, intent, label and rule
 * name; requests as raw JSON text, so `__proto__` is an own key as on the wire.
 */
async function specialNameCase(name: string): Promise<string> {
  const text = `policy ${name}
sensitivity ${name}_low < ${name}
entity ${name}_User { ${name}: string }
agent Bot { onBehalfOf: ${name}_User, ${name}: number }
resource Doc { owner: ${name}_User, ${name}: [string], label: sensitivity }
context { ${name}: string }
action ${name}, read on Doc
intent ${name}_intent "x" { actions ${name}, read max ${name}_low }
allow ${name}_rule: ${name}, read when env.${name} == "yes" and principal.${name} > 1 and "t" in resource.${name} and resource.owner.${name} == "o"
deny d_${name}: ${name} when resource.label >= ${name}
`;
  const checked = check(text, { path: "inj.agp" });
  if (hasErrors(checked.diagnostics)) return `refused (${checked.diagnostics.map((d) => d.code).join(", ")})`;
  const module = await compiled(text);
  expect(module.policyName).toBe(name);
  expect(Object.keys(module.actions)).toEqual([name, "read"]);
  expect(module.labels).toEqual([`${name}_low`, name]);
  const request = (action: string, label: string, env: string): string =>
    `{"principal":{"type":"Bot","id":"b","onBehalfOf":{"type":"${name}_User","id":"u"},"${name}":2},` +
    `"action":"${action}","resource":{"type":"Doc","id":"d","owner":{"type":"${name}_User","id":"u"},"${name}":["t"],"label":"${label}"},` +
    `"intent":"${name}_intent","session":"s","at":"2026-01-05T10:00:00Z","env":{"${name}":"${env}"},` +
    `"entities":[{"type":"${name}_User","id":"u","${name}":"o"}]}`;
  expect(decideBoth(text, module, request("read", `${name}_low`, "yes"))).toMatchObject({
    decision: "allow",
    rules: [`${name}_rule`],
  });
  expect(decideBoth(text, module, request("read", `${name}_low`, "no")).decision).toBe("deny");
  expect(decideBoth(text, module, request(name, name, "yes")).rules).toEqual([`${name}_intent`, `d_${name}`]);
  return "faithful";
}

describe("injection through names in policies", () => {
  for (const name of specialNames.filter((n) => n !== "__proto__")) {
    it(`\`${name}\` as a field, type, action, intent, label and rule name: refused or faithful`, async () => {
      expect(["faithful", expect.stringMatching(/^refused/)]).toContainEqual(await specialNameCase(name));
      expect(Object.prototype).not.toHaveProperty("yes");
    });
  }

  for (const name of specialNames.filter((n) => n !== "__proto__")) {
    it(`\`${name}\` as an optional field: absent reads absent, present reads its value`, async () => {
      const text = `policy optional_names
entity U { ${name}: string? }
agent Bot { onBehalfOf: U }
resource Doc { ${name}: number?, meta: { ${name}: bool? } }
context { ${name}: string? }
action read on Doc
intent work "x" { actions read }
allow every: read when has resource.${name} and has env.${name} and has principal.onBehalfOf.${name} and has resource.meta.${name}
deny no_field: read when not has resource.${name} and not has env.${name} and not has principal.onBehalfOf.${name} and not has resource.meta.${name} reason "none"
`;
      const module = await compiled(text);
      // Computed keys: every name here but `__proto__` is an own key of a literal, as on the wire.
      const request = (present: boolean): string => {
        const field = (value: unknown) => (present ? { [name]: value } : {});
        return JSON.stringify({
          principal: { type: "Bot", id: "b", onBehalfOf: { type: "U", id: "u" } },
          action: "read",
          resource: { type: "Doc", id: "d", ...field(1), meta: field(true) },
          intent: "work",
          session: "s",
          at: "2026-01-05T10:00:00Z",
          env: field("e"),
          entities: [{ type: "U", id: "u", ...field("o") }],
        });
      };
      expect(decideBoth(text, module, request(false))).toMatchObject({ decision: "deny", rules: ["no_field"] });
      expect(decideBoth(text, module, request(true))).toMatchObject({ decision: "allow", rules: ["every"] });
    });
  }

  // On a plain object `__proto__` is the prototype, not a key: as a field it would lose its
  // value. The checker refuses it as any declared name (AGP2022) rather than risk one place
  // that builds a plain object.
  it("`__proto__` as a field, type, action, intent, label and rule name: refused", async () => {
    expect(await specialNameCase("__proto__")).toMatch(/^refused \(AGP2022(, AGP2022)*\)$/);
  });

  it("`__proto__` in a record nested in a field type: refused", () => {
    const text = `${schema}entity Meta { tags: [{ inner: { __proto__: string }? }] }\n`;
    expect(check(text, { path: "inj.agp" }).diagnostics.map((d) => d.code)).toEqual(["AGP2022"]);
  });
});

describe("injection through requests", () => {
  const text = `${schema}intent work "Work" { actions read, write }
allow own: read when resource.owner == principal.onBehalfOf and resource.text in resource.tags
deny named: read when principal.onBehalfOf.name == env.text reason "name matches"
separate rw: read, write on Doc by principal.onBehalfOf
allow writes: write
`;

  it("entity ids and attribute values with adversarial strings decide as the interpreter says", async () => {
    const module = await compiled(text);
    for (const value of [...nasty, ...specialNames]) {
      const request = requestJson({
        id: value,
        owner: value,
        text: value,
        tags: [value],
        env: `${value}?`,
      });
      expect(decideBoth(text, module, request)).toMatchObject({
        decision: "allow",
        rules: ["own"],
      });
      // The same chain wrote this document before: the separation holds whatever the ids say.
      const earlier = requestJson({
        id: value,
        owner: value,
        text: value,
        tags: [value],
        action: "write",
      });
      expect(decideBoth(text, module, request, [earlier]).rules).toEqual(["rw"]);
      // A different owner id that only differs in quoting does not share the chain.
      const other = requestJson({
        id: value,
        owner: `${value}"`,
        text: value,
        tags: [value],
        action: "write",
      });
      expect(decideBoth(text, module, request, [other]).decision).toBe("allow");
      expect(decideBoth(text, module, requestJson({ owner: value, text: value, env: value })).rules).toEqual(["named"]);
    }
    expect((globalThis as Record<string, unknown>).injected).toBeUndefined();
  }, 60_000);

  it("a `__proto__` key in a request is refused as an unknown field, not merged into a prototype", async () => {
    const module = await compiled(text);
    const request = JSON.parse(requestJson({})) as Record<string, Record<string, unknown>>;
    const withProto = JSON.stringify({
      ...request,
      env: { text: "e" },
    }).replace('"env":{', '"env":{"__proto__":{"text":"x"},');
    expect(module.requestSchema.safeParse(JSON.parse(withProto)).success).toBe(false);
    expect(({} as Record<string, unknown>).text).toBeUndefined();
  });
});

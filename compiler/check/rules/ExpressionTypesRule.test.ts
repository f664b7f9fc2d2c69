import { describe, expect, it } from "vitest";
import type {
  BinaryExpr,
  Identifier,
  MemberExpr,
  RuleDecl,
} from "../../ast.js";
import { typeToString } from "../../types.js";
import { basePolicy, checkText, diagnose } from "../testSupport.js";

function whenOf(text: string): {
  policy: ReturnType<typeof checkText>["policy"];
  rule: RuleDecl;
} {
  const { policy, diagnostics } = checkText(`${basePolicy}${text}\n`);
  expect(diagnostics).toEqual([]);
  const rule = policy.rules[policy.rules.length - 1];
  if (!rule?.when) throw new Error("no rule with a condition");
  return { policy, rule };
}

describe("ExpressionTypesRule: names", () => {
  it("reports unknown fields with a suggestion, on entities, records and `env`", () => {
    const { diagnostics } =
      checkText(`${basePolicy}allow a: read when resource.ownr == principal.onBehalfOf
allow b: read when env.device.manged
allow c: read when env.country == "FR"
`);
    expect(
      diagnostics.map((d) => [d.code, d.source.slice(d.span), d.help]),
    ).toEqual([
      ["AGP2007", "ownr", "did you mean `owner`?"],
      ["AGP2007", "manged", "did you mean `managed`?"],
      [
        "AGP2007",
        "country",
        "declare it in the policy's `context { country: ... }`",
      ],
    ]);
  });

  it("reports an unknown function with a suggestion, still typing its arguments", () => {
    const { diagnostics } = checkText(
      `${basePolicy}deny d: read when huor_of(env.nw, "UTC") < 6\n`,
    );
    expect(
      diagnostics.map((d) => [d.code, d.source.slice(d.span), d.help]),
    ).toEqual([
      ["AGP2008", "huor_of", "did you mean `hour_of`?"],
      ["AGP2007", "nw", "did you mean `now`?"],
    ]);
  });

  it("resolves bare names by the other operand: labels, intents, actions", () => {
    expect(
      diagnose(`deny a: read when resource.label >= secrett
allow b: read when intent == filling
allow c: read when action in [read, aprove]
allow d: read when foo`),
    ).toEqual([
      { code: "AGP2006", text: "secrett" },
      { code: "AGP2005", text: "filling" },
      { code: "AGP2004", text: "aprove" },
      { code: "AGP2009", text: "foo" },
    ]);
  });

  it("records resolutions for codegen, also with the name on the left", () => {
    const { policy, rule } = whenOf(
      "allow a: read when secret > resource.label and filing == intent",
    );
    const and = rule.when as BinaryExpr;
    const left = (and.left as BinaryExpr).left as Identifier;
    const right = (and.right as BinaryExpr).left as Identifier;
    expect(policy.resolve(left)).toEqual({
      kind: "label",
      label: "secret",
      rank: 2,
    });
    expect(policy.resolve(right)).toEqual({ kind: "intent", name: "filing" });
  });

  it("reports a name that is both a label and an action when nothing decides", () => {
    const policy =
      'policy p\nsensitivity low < read\nagent A { x: string }\nresource R { y: string }\naction read on R\nintent i "i" { actions read }\n';
    expect(diagnose("allow a: read when read == read", policy)).toEqual([
      { code: "AGP2009", text: "read" },
      { code: "AGP2009", text: "read" },
    ]);
    expect(diagnose("allow a: read when action == read", policy)).toEqual([]);
  });

  it("reports `event` outside a history condition", () => {
    expect(diagnose("deny d: read when event.action == read")).toEqual([
      { code: "AGP2017", text: "event" },
    ]);
  });

  it("refuses record values in policies, once", () => {
    expect(
      diagnose(
        `allow a: read when principal.onBehalfOf == User { department: "x" }`,
      ),
    ).toEqual([{ code: "AGP3012", text: `User { department: "x" }` }]);
  });
});

describe("ExpressionTypesRule: types", () => {
  it("reports operands that do not fit, once per mistake", () => {
    expect(
      diagnose(`allow a: read when resource.amount == "x"
allow b: read when resource.amount + "x" > 1
allow c: read when resource.amount
allow d: read when not resource.amount and env.hour > 1`),
    ).toEqual([
      { code: "AGP3001", text: `resource.amount == "x"` },
      { code: "AGP3001", text: `resource.amount + "x"` },
      { code: "AGP3002", text: "resource.amount" },
      { code: "AGP3002", text: "resource.amount" },
    ]);
  });

  it("types time and duration arithmetic", () => {
    expect(
      diagnose(`allow a: read when env.now - resource.created < 7d and resource.created + 1h < env.now
allow b: read when env.now + env.now > env.now`),
    ).toEqual([{ code: "AGP3001", text: "env.now + env.now" }]);
  });

  it("reports ordering of unordered values", () => {
    expect(
      diagnose("allow a: read when resource.owner < principal.onBehalfOf"),
    ).toEqual([
      { code: "AGP3007", text: "resource.owner < principal.onBehalfOf" },
    ]);
  });

  it("checks `in` against lists of the same type", () => {
    expect(
      diagnose(`allow a: read when resource.amount in resource.owner
allow b: read when principal.onBehalfOf.department in resource.tags and "x" in []
allow c: read when resource.amount in resource.tags
allow d: read when resource.amount in [1, "a"]`),
    ).toEqual([
      { code: "AGP3008", text: "resource.amount in resource.owner" },
      { code: "AGP3008", text: "resource.amount in resource.tags" },
      { code: "AGP3010", text: `[1, "a"]` },
    ]);
  });

  it("checks stdlib calls: arity, argument types and constant arguments", () => {
    expect(
      diagnose(`deny a: read when hour_of(env.now) < 6
deny b: read when starts_with(resource.amount, "x")
deny c: read when hour_of(env.now, "Mars/Base") < 6
deny d: read when not cidr_match(env.ip, "10.0.0.0/33")
deny e: read when env.now < time("yesterday")
deny f: read when length(resource.tags) > 3 and length(env.ip) > 3 and weekday_of(env.now, "Europe/Paris") > 5`),
    ).toEqual([
      { code: "AGP3004", text: "hour_of(env.now)" },
      { code: "AGP3005", text: "resource.amount" },
      { code: "AGP3013", text: `"Mars/Base"` },
      { code: "AGP3013", text: `"10.0.0.0/33"` },
      { code: "AGP3013", text: `"yesterday"` },
    ]);
  });

  it("records the type of every expression, through entity references", () => {
    const { policy, rule } = whenOf(
      "allow a: read when resource.owner.department == principal.onBehalfOf.department",
    );
    const equal = rule.when as BinaryExpr;
    expect(typeToString(policy.typeOf(equal))).toBe("bool");
    expect(typeToString(policy.typeOf(equal.left))).toBe("string");
    expect(policy.typeOf((equal.left as MemberExpr).object)).toEqual({
      kind: "entity",
      name: "User",
    });
  });

  it("types `resource` from the rule's actions: a union reads only common fields", () => {
    const policy = `${basePolicy}resource Doc { owner: User, label: string, pages: number }\naction read on Doc\n`;
    expect(
      diagnose(
        `allow a: read when resource.owner == principal.onBehalfOf
allow b: read when resource.label == "x"
allow c: read when resource.pages > 1
allow d: read on Doc when resource.pages > 1`,
        policy,
      ),
    ).toEqual([
      { code: "AGP2007", text: "label" },
      { code: "AGP2007", text: "pages" },
    ]);
  });

  it("types `principal` as the union of several agent types", () => {
    const { policy } = checkText(
      `${basePolicy}agent Bot { onBehalfOf: User, model: string }\nallow a: read when principal.onBehalfOf.approver\n`,
    );
    expect(policy.principalType).toEqual({
      kind: "entityUnion",
      names: ["Assistant", "Bot"],
    });
    expect(
      diagnose(
        'agent Bot { onBehalfOf: User }\nallow a: read when principal.model == "x"',
      ),
    ).toEqual([{ code: "AGP2007", text: "model" }]);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exprText } from "./__fixtures__/ast-text.js";
import type { Expr, PolicyDeclaration, PolicyFile, RuleDecl } from "./ast.js";
import { parsePolicy } from "./parse.js";
import { Source } from "./source.js";

const designText = readFileSync(new URL("./__fixtures__/design-example.agp", import.meta.url), "utf8");

function parseClean(text: string): { file: PolicyFile; source: Source } {
  const source = new Source(text, "test.agp");
  const result = parsePolicy(source);
  expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  if (!result.ast) throw new Error("no AST");
  return { file: result.ast, source };
}

function declarations(text: string): { decls: readonly PolicyDeclaration[]; source: Source } {
  const { file, source } = parseClean(`policy p\n${text}`);
  return { decls: file.declarations, source };
}

function when(condition: string): Expr {
  const { decls } = declarations(`allow r: read when ${condition}`);
  const rule = decls[0];
  if (rule?.kind !== "RuleDecl" || !rule.when) throw new Error("no condition");
  return rule.when;
}

describe("the DESIGN.md example policy", () => {
  const { file, source } = parseClean(designText);

  it("has the header and every declaration in order", () => {
    expect(file.name.text).toBe("expenses");
    expect(source.slice(file.name.span)).toBe("expenses");
    expect(file.declarations.map((d) => d.kind)).toEqual([
      "SensitivityDecl",
      "EntityDecl",
      "EntityDecl",
      "EntityDecl",
      "ContextDecl",
      "ActionDecl",
      "IntentDecl",
      "IntentDecl",
      "IntentDecl",
      "RuleDecl",
      "RuleDecl",
      "RuleDecl",
      "RuleDecl",
      "RuleDecl",
      "RuleDecl",
      "SeparateDecl",
      "MonitorDecl",
    ]);
    expect(source.slice(file.span).startsWith("policy expenses")).toBe(true);
    expect(source.slice(file.span).endsWith('review "reached for secrets while summarizing"')).toBe(true);
  });

  it("reads sensitivity labels, entities, context, actions and intents", () => {
    const [sensitivity, user, agent, resource, context, action, fileIntent, , summarize] = file.declarations;
    expect(sensitivity?.kind === "SensitivityDecl" && sensitivity.labels.map((l) => l.text)).toEqual([
      "public",
      "internal",
      "confidential",
      "pii",
      "secret",
    ]);
    if (user?.kind !== "EntityDecl" || agent?.kind !== "EntityDecl" || resource?.kind !== "EntityDecl")
      throw new Error("entities");
    expect([user.entityKind, agent.entityKind, resource.entityKind]).toEqual(["entity", "agent", "resource"]);
    expect(source.slice(user.span)).toBe("entity User { manager: User?, department: string, approver: bool }");
    expect(user.fields.map((f) => source.slice(f.span))).toEqual([
      "manager: User?",
      "department: string",
      "approver: bool",
    ]);
    expect(user.fields[0]?.type).toMatchObject({
      kind: "OptionalType",
      inner: { kind: "NamedType", name: { text: "User" } },
    });
    expect(resource.fields[2]?.type).toMatchObject({ kind: "NamedType", name: { text: "sensitivity" } });
    if (context?.kind !== "ContextDecl") throw new Error("context");
    expect(source.slice(context.fields[2]?.type.span ?? { start: 0, end: 0 })).toBe("{ managed: bool }");
    expect(context.fields[2]?.type).toMatchObject({ kind: "RecordType", fields: [{ name: { text: "managed" } }] });
    if (action?.kind !== "ActionDecl") throw new Error("action");
    expect(action.actions.map((a) => a.text)).toEqual(["submit", "approve", "read"]);
    expect(source.slice(action.resourceType.span)).toBe("ExpenseReport");
    if (fileIntent?.kind !== "IntentDecl" || summarize?.kind !== "IntentDecl") throw new Error("intents");
    expect(fileIntent.description.value).toBe("File my expense report");
    expect(source.slice(fileIntent.description.span)).toBe('"File my expense report"');
    expect(fileIntent.max).toBeUndefined();
    expect(summarize.max?.text).toBe("confidential");
  });

  it("reads rules with their clauses and spans", () => {
    const rules = file.declarations.filter((d): d is RuleDecl => d.kind === "RuleDecl");
    const [fileOwn, approveReports, readOwn, night, piiUnmanaged, burst] = rules;
    if (!fileOwn || !approveReports || !readOwn || !night || !piiUnmanaged || !burst) throw new Error("rules");
    expect(fileOwn).toMatchObject({
      effect: "allow",
      name: { text: "file_own" },
      resourceType: { text: "ExpenseReport" },
    });
    expect(fileOwn.grant?.milliseconds).toBe(15 * 60_000);
    expect(source.slice(fileOwn.span)).toBe(
      "allow file_own: submit on ExpenseReport\n  when resource.owner == principal.onBehalfOf\n  grant 15m",
    );
    expect(source.slice(fileOwn.name.span)).toBe("file_own");
    expect(fileOwn.when && exprText(fileOwn.when)).toBe("(== resource.owner principal.onBehalfOf)");
    expect(fileOwn.when?.kind === "Binary" && source.slice(fileOwn.when.operatorSpan)).toBe("==");
    expect(approveReports.when && source.slice(approveReports.when.span)).toBe("principal.onBehalfOf.approver");
    expect(readOwn.when && exprText(readOwn.when)).toBe(
      "(or (== resource.owner principal.onBehalfOf) (== resource.owner.manager principal.onBehalfOf))",
    );
    expect(night).toMatchObject({ effect: "deny", actions: { kind: "AllActions" }, grant: undefined });
    expect(night.reason?.value).toBe("outside working hours");
    expect(night.when && exprText(night.when)).toBe("(or (< env.hour 6) (>= env.hour 22))");
    expect(piiUnmanaged.when && exprText(piiUnmanaged.when)).toBe(
      "(and (>= resource.label pii) (not env.device.managed))",
    );
    expect(burst.when && exprText(burst.when)).toBe("(>= count(session within 60000ms) 60)");
    expect(burst.when?.kind === "Binary" && source.slice(burst.when.left.span)).toBe("count(session within 1m)");
  });

  it("reads the separation and the monitor", () => {
    const separate = file.declarations.find((d) => d.kind === "SeparateDecl");
    const monitor = file.declarations.find((d) => d.kind === "MonitorDecl");
    if (separate?.kind !== "SeparateDecl" || monitor?.kind !== "MonitorDecl") throw new Error("missing");
    expect(separate.actions.map((a) => a.text)).toEqual(["submit", "approve"]);
    expect(separate.resourceType.text).toBe("ExpenseReport");
    expect(source.slice(separate.key.span)).toBe("principal.onBehalfOf");
    expect(separate.reason?.value).toBe("whoever submitted a report cannot approve it");
    expect(monitor.actions).toMatchObject({ kind: "ActionList", actions: [{ text: "read" }] });
    expect(monitor.when && exprText(monitor.when)).toBe("(and (== intent summarize) (>= resource.label secret))");
    expect(monitor.consequences.map((c) => source.slice(c.span))).toEqual([
      "revoke",
      'review "reached for secrets while summarizing"',
    ]);
  });
});

describe("declarations", () => {
  it("parses trailing commas, lists, nested records and optional lists of fields", () => {
    const { decls, source } = declarations("resource Doc { tags: [string], meta: { a: number?, b: [User]? }, }");
    const doc = decls[0];
    if (doc?.kind !== "EntityDecl") throw new Error("entity");
    expect(doc.fields.map((f) => f.type.kind)).toEqual(["ListType", "RecordType"]);
    const meta = doc.fields[1]?.type;
    if (meta?.kind !== "RecordType") throw new Error("record");
    expect(meta.fields.map((f) => source.slice(f.type.span))).toEqual(["number?", "[User]?"]);
    expect(meta.fields[1]?.type).toMatchObject({
      kind: "OptionalType",
      inner: { kind: "ListType", element: { kind: "NamedType" } },
    });
  });

  it("allows every keyword as a field name, after `.` and in field declarations", () => {
    const { decls } = declarations(
      "entity E { policy: string, when: bool, resource: number }\nallow r: read when principal.when and resource.policy == env.resource",
    );
    const entity = decls[0];
    expect(entity?.kind === "EntityDecl" && entity.fields.map((f) => f.name.text)).toEqual([
      "policy",
      "when",
      "resource",
    ]);
    const rule = decls[1];
    expect(rule?.kind === "RuleDecl" && rule.when && exprText(rule.when)).toBe(
      "(and principal.when (== resource.policy env.resource))",
    );
  });

  it("parses empty entities and context", () => {
    const { decls } = declarations("entity Empty {}\ncontext {}");
    expect(decls).toMatchObject([
      { kind: "EntityDecl", fields: [] },
      { kind: "ContextDecl", fields: [] },
    ]);
  });

  it("parses rules with every optional part absent or present", () => {
    const { decls, source } = declarations(
      'allow a: read\ndeny b: read, write on Doc when true grant 10s reason "x"\nallow c: *',
    );
    expect(
      decls.map(
        (d) =>
          d.kind === "RuleDecl" && [
            d.effect,
            d.actions.kind,
            d.resourceType?.text,
            d.when?.kind,
            d.grant?.milliseconds,
            d.reason?.value,
          ],
      ),
    ).toEqual([
      ["allow", "ActionList", undefined, undefined, undefined, undefined],
      ["deny", "ActionList", "Doc", "BoolLiteral", 10_000, "x"],
      ["allow", "AllActions", undefined, undefined, undefined, undefined],
    ]);
    const b = decls[1];
    expect(b?.kind === "RuleDecl" && source.slice(b.actions.span)).toBe("read, write");
  });

  it("parses every monitor consequence, with a downgrade list followed by more consequences", () => {
    const { decls, source } = declarations('monitor m: * then downgrade to read, list, revoke, alert "a", review "r"');
    const monitor = decls[0];
    if (monitor?.kind !== "MonitorDecl") throw new Error("monitor");
    expect(monitor.when).toBeUndefined();
    expect(monitor.consequences.map((c) => c.kind)).toEqual(["Downgrade", "Revoke", "Alert", "Review"]);
    expect(monitor.consequences.map((c) => source.slice(c.span))).toEqual([
      "downgrade to read, list",
      "revoke",
      'alert "a"',
      'review "r"',
    ]);
  });

  it("keeps `resource`, `action` and `intent` expressions inside a declaration, not as new declarations", () => {
    const { decls } = declarations(
      "deny r: read when action in [read] and intent == x and resource.owner == principal\naction read on Doc",
    );
    expect(decls.map((d) => d.kind)).toEqual(["RuleDecl", "ActionDecl"]);
  });
});

describe("expressions", () => {
  it("applies precedence: or < and < not < comparison < additive < multiplicative < unary < postfix", () => {
    expect(exprText(when("a or b and c"))).toBe("(or a (and b c))");
    expect(exprText(when("not a == b and c"))).toBe("(and (not (== a b)) c)");
    expect(exprText(when("not not a"))).toBe("(not (not a))");
    expect(exprText(when("a + b * c == d - e / f"))).toBe("(== (+ a (* b c)) (- d (/ e f)))");
    expect(exprText(when("a - b - c"))).toBe("(- (- a b) c)");
    expect(exprText(when("-a.b * - - 2"))).toBe("(* (- a.b) (- (- 2)))");
    expect(exprText(when("x in [1, 2,] or y in z.list"))).toBe("(or (in x [1 2]) (in y z.list))");
    expect(exprText(when("(a or b) and c"))).toBe("(and (paren (or a b)) c)");
  });

  it("parses literals, calls, has and history", () => {
    expect(exprText(when('"s\\n" == "t" and 1.5 < 2 and true != false and 90s > 1m'))).toBe(
      '(and (and (and (== "s\\n" "t") (< 1.5 2)) (!= true false)) (> 90000ms 60000ms))',
    );
    expect(exprText(when('hour_of(env.now, "Europe/Paris") >= 8 and f()'))).toBe(
      '(and (>= hour_of(env.now, "Europe/Paris") 8) f())',
    );
    expect(exprText(when("has resource.owner.manager and not has x.y"))).toBe(
      "(and (has resource.owner.manager) (not (has x.y)))",
    );
    expect(exprText(when("exists(principal where event.action == submit within 7d) or count(resource) > 2"))).toBe(
      "(or exists(principal where (== event.action submit) within 604800000ms) (> count(resource) 2))",
    );
  });

  it("makes root keywords identifiers", () => {
    const expr = when("principal == resource and env and intent and action and event");
    const roots: string[] = [];
    const collect = (e: Expr): void => {
      if (e.kind === "Identifier") roots.push(e.name.text);
      if (e.kind === "Binary") {
        collect(e.left);
        collect(e.right);
      }
    };
    collect(expr);
    expect(roots).toEqual(["principal", "resource", "env", "intent", "action", "event"]);
  });

  it("gives each expression the span of exactly its text", () => {
    const source = new Source("policy p\nallow r: read when not (a.b  +  -c) >= f(1, [2])", "spans.agp");
    const rule = parsePolicy(source).ast?.declarations[0];
    if (rule?.kind !== "RuleDecl" || rule.when?.kind !== "Unary") throw new Error("shape");
    expect(source.slice(rule.when.span)).toBe("not (a.b  +  -c) >= f(1, [2])");
    const comparison = rule.when.operand;
    if (comparison.kind !== "Binary" || comparison.left.kind !== "Paren") throw new Error("comparison");
    expect(source.slice(comparison.left.span)).toBe("(a.b  +  -c)");
    expect(source.slice(comparison.left.inner.span)).toBe("a.b  +  -c");
    expect(source.slice(comparison.right.span)).toBe("f(1, [2])");
    const sum = comparison.left.inner;
    if (sum.kind !== "Binary" || sum.left.kind !== "Member") throw new Error("sum");
    expect(source.slice(sum.left.property.span)).toBe("b");
    expect(source.slice(sum.right.span)).toBe("-c");
  });

  it("parses record literals (typed and untyped) in expressions", () => {
    expect(exprText(when("x == User { id: 1, when: [] } and y == { a: { b: true } }"))).toBe(
      "(and (== x User{id: 1, when: []}) (== y {a: {b: true}}))",
    );
  });
});

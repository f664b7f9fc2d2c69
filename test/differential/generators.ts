/**
 * fast-check arbitraries for differential testing: random well-typed policies over one
 * fixed schema ({@link schemaText}); requests and histories that fit it are in requests.ts.
 * Expressions are built by type (one arbitrary per type, context and depth), so every
 * generated policy checks; optional fields appear only where the checker allows them
 * (`==`/`!=`, `has`, and uses under a `has` guard earlier in the same `and` chain).
 */
import fc from "fast-check";

/** The declarations every generated policy starts with. */
export const schemaText = `policy diff
sensitivity public < internal < confidential < secret
entity User { manager: User?, dept: string, level: number, tags: [string], email: string? }
agent Bot { onBehalfOf: User, model: string, trust: number }
agent Human { onBehalfOf: User, model: string, trust: number, badge: string? }
resource Doc { owner: User, label: sensitivity, amount: number, tags: [string], created: time, reviewer: User? }
resource Folder { owner: User, level: sensitivity?, size: number }
resource Repo { owner: User, name: string }
context { hour: number, country: string, ip: string, managed: bool, badge: string?, ci: { pipeline: string?, run: number }?, ttl: duration, since: time }
action read, write, approve, submit on Doc
action read, list on Folder
action read, push on Repo
intent work "Work" { actions read, write, approve, submit, list, push }
intent browse "Browse" { actions read, list max internal }
intent ship "Ship" { actions push, read max public }
`;

/** The resource types of {@link schemaText}. */
export type ResourceType = "Doc" | "Folder" | "Repo";

/** The actions declared on each resource type. */
export const actionsOn: Record<ResourceType, readonly string[]> = {
  Doc: ["read", "write", "approve", "submit"],
  Folder: ["read", "list"],
  Repo: ["read", "push"],
};
/** Every declared action. */
export const allActions = ["read", "write", "approve", "submit", "list", "push"];
/** The sensitivity labels, lowest first. */
export const labels = ["public", "internal", "confidential", "secret"];
/** The declared intents. */
export const intents = ["work", "browse", "ship"];
const strings = ["sales", "eng", "a", "", "finance", "Sales", 'x"y', "é😀", "gpt-preview", "10.1.2.3"];
const zones = ["Europe/Paris", "UTC", "America/New_York", "Asia/Kolkata"];

/** Where an expression is written: the types `resource` may be, and whether `event` is in scope. */
interface Ctx {
  readonly resources: readonly ResourceType[];
  readonly inWhere: boolean;
}

type Kind = "bool" | "number" | "string" | "time" | "duration" | "label" | "user" | "strings";

const pick = <T>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
const quoted = (text: string): string => JSON.stringify(text);
const only = (ctx: Ctx, type: ResourceType): boolean => ctx.resources.length === 1 && ctx.resources[0] === type;

/** Typed expression arbitraries, memoised by kind, context and depth. */
class Expressions {
  private readonly memo = new Map<string, fc.Arbitrary<string>>();

  of(kind: Kind, ctx: Ctx, depth: number): fc.Arbitrary<string> {
    const key = `${kind}|${ctx.resources.join(",")}|${ctx.inWhere}|${depth}`;
    let arbitrary = this.memo.get(key);
    if (!arbitrary) {
      const [leaves, compounds] = this.build(kind, ctx, Math.max(depth - 1, 0));
      // INVARIANT: compound arbitraries are built only above depth 0, so building terminates.
      const choices = depth > 0 ? [...leaves, ...compounds()] : leaves;
      arbitrary = fc.oneof(...choices);
      this.memo.set(key, arbitrary);
    }
    return arbitrary;
  }

  private build(kind: Kind, ctx: Ctx, d: number): [fc.Arbitrary<string>[], () => fc.Arbitrary<string>[]] {
    const e = (k: Kind): fc.Arbitrary<string> => this.of(k, ctx, d);
    const bin = (k: Kind, ops: readonly string[], r: Kind = k): fc.Arbitrary<string> =>
      fc.tuple(e(k), pick(ops), e(r)).map(([a, op, b]) => `(${a} ${op} ${b})`);
    const user = (): fc.Arbitrary<string> => this.of("user", ctx, 0);
    const event = ctx.inWhere;
    switch (kind) {
      case "bool":
        return [
          [
            pick(["true", "false", "env.managed", "has env.badge", "not has env.ci", "has env.ci.pipeline"]),
            pick(["has principal.onBehalfOf.manager.manager", "has principal.onBehalfOf.email"]),
            pick(intents).map((i) => `intent == ${i}`),
            pick(allActions).map((a) => `action != ${a}`),
            fc.tuple(e("string"), pick(["==", "!="])).map(([s, op]) => `env.badge ${op} ${s}`),
            fc.tuple(user(), pick(["==", "!="])).map(([u, op]) => `principal.onBehalfOf.manager ${op} ${u}`),
            ...(only(ctx, "Doc")
              ? [
                  pick([
                    "has resource.reviewer",
                    "resource.reviewer == resource.owner",
                    "has resource.reviewer.manager",
                  ]),
                ]
              : []),
            ...(only(ctx, "Folder") ? [pick(labels).map((l) => `resource.level != ${l}`)] : []),
            ...(event
              ? [
                  pick(allActions).map((a) => `event.action == ${a}`),
                  pick(["event.principal == principal", "event.resource != resource"]),
                ]
              : []),
          ],
          () => [
            e("bool").map((b) => `not ${b}`),
            bin("bool", ["and", "or"]),
            bin("number", ["==", "!=", "<", "<=", ">", ">="]),
            bin("string", ["==", "!=", "<", ">="]),
            bin("time", ["<", ">=", "=="]),
            bin("duration", ["<", ">", "!="]),
            bin("label", ["<", ">=", "==", "!="]),
            bin("user", ["==", "!="]),
            fc.tuple(e("string"), e("strings")).map(([s, l]) => `${s} in ${l}`),
            fc.tuple(e("number"), fc.array(e("number"), { maxLength: 3 })).map(([n, l]) => `${n} in [${l.join(", ")}]`),
            fc.tuple(user(), fc.array(e("user"), { maxLength: 2 })).map(([u, l]) => `${u} in [${l.join(", ")}]`),
            fc.tuple(e("label"), fc.subarray(labels)).map(([x, l]) => `${x} in [${l.join(", ")}]`),
            fc.subarray(allActions, { minLength: 1 }).map((l) => `action in [${l.join(", ")}]`),
            fc
              .tuple(pick(["starts_with", "ends_with", "contains"]), e("string"), e("string"))
              .map(([f, a, b]) => `${f}(${a}, ${b})`),
            e("string").map((s) => `cidr_match(${s}, "10.0.0.0/8")`),
            this.guarded(ctx, d),
            ...(event ? [] : [this.history(ctx, d)]),
          ],
        ];
      case "number":
        return [
          [
            pick(["0", "1", "2", "2.5", "10", "100", "1000", "env.hour", "principal.trust"]),
            user().map((u) => `${u}.level`),
            ...(only(ctx, "Doc") ? [fc.constant("resource.amount")] : []),
            ...(only(ctx, "Folder") ? [fc.constant("resource.size")] : []),
          ],
          () => [
            bin("number", ["+", "-", "*", "/"]),
            e("number").map((n) => `-${n}`),
            e("string").map((s) => `length(${s})`),
            e("strings").map((l) => `length(${l})`),
            fc
              .tuple(pick(["hour_of", "minute_of", "weekday_of"]), e("time"), pick(zones))
              .map(([f, t, z]) => `${f}(${t}, ${quoted(z)})`),
            ...(event ? [] : [this.history(ctx, d, "count")]),
          ],
        ];
      case "string":
        return [
          [
            pick(strings).map(quoted),
            pick(["env.country", "env.ip", "principal.model"]),
            user().map((u) => `${u}.dept`),
            ...(only(ctx, "Repo") ? [fc.constant("resource.name")] : []),
            ...(event ? [fc.constant("event.session")] : []),
          ],
          () => [
            fc.tuple(pick(["lower", "upper"]), e("string")).map(([f, s]) => `${f}(${s})`),
            fc.tuple(e("time"), pick(zones)).map(([t, z]) => `date_of(${t}, ${quoted(z)})`),
          ],
        ];
      case "time":
        return [
          [
            pick(["now", "env.since", 'time("2026-01-05T10:00:00Z")', 'time("2026-01-05T11:30:00+01:00")']),
            ...(only(ctx, "Doc") ? [fc.constant("resource.created")] : []),
            ...(event ? [fc.constant("event.at")] : []),
          ],
          () => [bin("time", ["+", "-"], "duration")],
        ];
      case "duration":
        return [
          [pick(["90s", "15m", "2h", "1d", "500ms", "env.ttl"])],
          () => [bin("time", ["-"]), bin("duration", ["+", "-"])],
        ];
      case "label":
        return [[pick(labels), ...(only(ctx, "Doc") ? [fc.constant("resource.label")] : [])], () => []];
      case "user":
        return [
          [
            pick(["principal.onBehalfOf", "resource.owner"]),
            ...(event ? [pick(["event.principal.onBehalfOf", "event.resource.owner"])] : []),
          ],
          () => [],
        ];
      case "strings":
        return [
          [
            fc.subarray(strings.slice(0, 5)).map((l) => `[${l.map(quoted).join(", ")}]`),
            user().map((u) => `${u}.tags`),
            ...(only(ctx, "Doc") ? [fc.constant("resource.tags")] : []),
          ],
          () => [],
        ];
    }
  }

  /** Uses of optional fields under a `has` guard earlier in the same `and` chain. */
  private guarded(ctx: Ctx, d: number): fc.Arbitrary<string> {
    const s = this.of("string", ctx, d);
    const n = this.of("number", ctx, d);
    const templates = [
      s.map((x) => `(has env.badge and env.badge < ${x})`),
      n.map((x) => `(has env.ci and env.ci.run > ${x})`),
      s.map((x) => `(has env.ci and has env.ci.pipeline and starts_with(env.ci.pipeline, ${x}))`),
      s.map((x) => `(has env.ci.pipeline and env.ci.pipeline >= ${x})`),
      s.map((x) => `(has principal.onBehalfOf.manager and principal.onBehalfOf.manager.dept == ${x})`),
      n.map((x) => `(has principal.onBehalfOf.manager.manager and principal.onBehalfOf.manager.manager.level > ${x})`),
      s.map((x) => `(has principal.onBehalfOf.email and ends_with(principal.onBehalfOf.email, ${x}))`),
    ];
    if (only(ctx, "Doc")) templates.push(n.map((x) => `(has resource.reviewer and resource.reviewer.level >= ${x})`));
    if (only(ctx, "Folder")) templates.push(pick(labels).map((l) => `(has resource.level and resource.level > ${l})`));
    if (ctx.inWhere && only(ctx, "Doc")) {
      // `event.resource` is typed as the rule's resource, but events may be on other types,
      // which never match a `where` reading its fields (docs/language.md): read them both of
      // any event and, guarded, of events on this very resource.
      const same = pick(["event.resource == resource and ", ""]);
      templates.push(
        fc
          .tuple(same, pick(["<", ">="]), pick(labels))
          .map(([guard, op, l]) => `(${guard}event.resource.label ${op} ${l})`),
        fc.tuple(same, s).map(([guard, x]) => `(${guard}${x} in event.resource.tags)`),
        fc.tuple(same, n).map(([guard, x]) => `(${guard}event.resource.amount > ${x})`),
      );
    }
    return fc.oneof(...templates);
  }

  /** `count(...) op N` / `exists(...)` with a random source, `where` and window. */
  private history(ctx: Ctx, d: number, fn?: "count"): fc.Arbitrary<string> {
    const where = fc.option(this.of("bool", { ...ctx, inWhere: true }, Math.min(d, 2)), { nil: undefined });
    const within = fc.option(pick(["1s", "10m", "1h", "3h", "1d"]), {
      nil: undefined,
    });
    return fc
      .tuple(
        fn ? fc.constant(fn) : pick(["count", "exists"]),
        pick(["session", "principal", "resource"]),
        where,
        within,
      )
      .map(([f, source, w, window]) => {
        const call = `${f}(${source}${w ? ` where ${w}` : ""}${window ? ` within ${window}` : ""})`;
        return f === "count" && !fn ? `(${call} >= 1)` : call;
      });
  }
}

const expressions = new Expressions();

/** Where a rule applies: its actions (or `*`) and its optional `on TYPE`, with `resource`'s types. */
const target: fc.Arbitrary<{
  actions: string;
  on: ResourceType | undefined;
  ctx: Ctx;
}> = fc.oneof(
  pick<ResourceType>(["Doc", "Folder", "Repo"]).chain((on) =>
    fc
      .oneof(
        fc.constant("*"),
        fc.subarray([...actionsOn[on]], { minLength: 1 }).map((a) => a.join(", ")),
      )
      .map((actions) => ({
        actions,
        on,
        ctx: { resources: [on], inWhere: false },
      })),
  ),
  fc.subarray(allActions, { minLength: 1 }).map((actions) => {
    const types = (["Doc", "Folder", "Repo"] as const).filter((t) => actions.some((a) => actionsOn[t].includes(a)));
    return {
      actions: actions.join(", "),
      on: undefined,
      ctx: { resources: types, inWhere: false },
    };
  }),
);

const reasonText = pick(["outside working hours", 'a "quoted" reason', "unicode ✓ é", "back`tick ${x}"]);

/** One declaration of kind allow/deny/separate/monitor, named `name`. */
function declaration(name: string): fc.Arbitrary<string> {
  const when = (ctx: Ctx): fc.Arbitrary<string> => expressions.of("bool", ctx, 3);
  const rule = fc
    .tuple(
      pick(["allow", "deny"]),
      target,
      fc.option(pick(["1s", "90s", "10m", "15m", "1h", "500ms"]), {
        nil: undefined,
      }),
      fc.option(reasonText, { nil: undefined }),
    )
    .chain(([effect, t, grant, reason]) =>
      fc.option(when(t.ctx), { nil: undefined, freq: 5 }).map((condition) => {
        const on = t.on ? ` on ${t.on}` : "";
        const parts = [`${effect} ${name}: ${t.actions}${on}`];
        if (condition) parts.push(`when ${condition}`);
        if (grant && effect === "allow") parts.push(`grant ${grant}`);
        if (reason) parts.push(`reason ${quoted(reason)}`);
        return parts.join(" ");
      }),
    );
  const separate = fc
    .tuple(
      pick<ResourceType>(["Doc", "Folder", "Repo"]).chain((on) =>
        fc.subarray([...actionsOn[on]], { minLength: 2 }).map((actions) => ({ on, actions })),
      ),
      pick(["principal.onBehalfOf", "principal", "principal.model", "principal.trust", "principal.onBehalfOf.dept"]),
      fc.option(reasonText, { nil: undefined }),
    )
    .map(
      ([{ on, actions }, key, reason]) =>
        `separate ${name}: ${actions.join(", ")} on ${on} by ${key}${reason ? ` reason ${quoted(reason)}` : ""}`,
    );
  const consequence = fc.oneof(
    fc.constant("revoke"),
    fc.subarray(allActions, { minLength: 1 }).map((a) => `downgrade to ${a.join(", ")}`),
    reasonText.map((r) => `review ${quoted(r)}`),
    reasonText.map((r) => `alert ${quoted(r)}`),
  );
  const monitor = target.chain((t) =>
    fc
      .tuple(fc.option(when(t.ctx), { nil: undefined, freq: 5 }), fc.array(consequence, { minLength: 1, maxLength: 3 }))
      .map(([condition, cs]) => {
        // `downgrade to A, B` swallows a following comma-separated name list: keep it last.
        const ordered = [
          ...cs.filter((c) => !c.startsWith("downgrade")),
          ...cs.filter((c) => c.startsWith("downgrade")).slice(0, 1),
        ];
        return `monitor ${name}: ${t.actions}${t.on ? ` on ${t.on}` : ""}${condition ? ` when ${condition}` : ""} then ${ordered.join(", ")}`;
      }),
  );
  return fc.oneof(
    { arbitrary: rule, weight: 6 },
    { arbitrary: separate, weight: 1 },
    { arbitrary: monitor, weight: 2 },
  );
}

/** A whole policy: the schema and 2 to 10 rules. */
export const policyArbitrary: fc.Arbitrary<string> = fc
  .integer({ min: 2, max: 10 })
  .chain((size) => fc.tuple(...Array.from({ length: size }, (_, index) => declaration(`r${index}`))))
  .map((decls) => `${schemaText}\n${decls.join("\n")}\n`);

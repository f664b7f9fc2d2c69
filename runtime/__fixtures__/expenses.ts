/**
 * A hand-written `PolicyModule` for the expense policy of DESIGN.md, standing in for the
 * module `agp compile` will produce, so the runtime is tested without the compiler. Beyond
 * DESIGN.md's policy it has one history query of each kind the runtime indexes:
 *   q0 `count(session within 1m)`                                    (no `where`)
 *   q1 `count(session where event.action == read within 10m)`        (reads the event only)
 *   q2 `count(resource where event.principal != principal within 1h)` (reads the request)
 * used by `deny burst`, `monitor bulk_reads` (downgrade to submit + alert) and `deny crowded`.
 */
import { z } from "zod";
import type {
  Decision,
  EntityLookup,
  EntityRecord,
  EntityRef,
  Facts,
  HistoryQuery,
  MonitorConsequence,
  PolicyModule,
  PolicyRequest,
  RuleMetadata,
  SeparationSpec,
} from "../../stdlib/contract.js";

const labels = ["public", "internal", "confidential", "pii", "secret"] as const;
type Label = (typeof labels)[number];
const rank = (label: string): number => labels.indexOf(label as Label);

const ref = z.looseObject({ type: z.string(), id: z.string() });
const user = z.looseObject({
  type: z.literal("User"),
  id: z.string(),
  manager: ref.optional(),
  department: z.string(),
  approver: z.boolean(),
});
const assistant = z.looseObject({ type: z.literal("Assistant"), id: z.string(), onBehalfOf: ref });
const expenseReport = z.looseObject({
  type: z.literal("ExpenseReport"),
  id: z.string(),
  owner: ref,
  amount: z.number(),
  label: z.enum(labels),
});
const env = z.object({ hour: z.number(), country: z.string(), device: z.object({ managed: z.boolean() }) });
const intents = {
  file_expenses: { description: "File my expense report", actions: ["submit", "read"], max: null },
  review_team: { description: "Review my team's expenses", actions: ["approve", "read"], max: null },
  summarize: { description: "Summarize documents", actions: ["read"], max: "confidential" },
} as const;

function lookupOf(records: readonly Record<string, unknown>[]): EntityLookup {
  const byKey = new Map<string, EntityRecord>();
  const visit = (value: unknown): void => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return;
    const record = value as Record<string, unknown>;
    if (typeof record["type"] === "string" && typeof record["id"] === "string" && Object.keys(record).length > 2) {
      const key = `${record["type"]}:${record["id"]}`;
      if (!byKey.has(key)) byKey.set(key, record as unknown as EntityRecord);
    }
    for (const field of Object.values(record)) visit(field);
  };
  records.forEach(visit);
  return { get: (type, id) => byKey.get(`${type}:${id}`) };
}

const requestSchema = z
  .object({
    principal: assistant,
    action: z.enum(["submit", "approve", "read"]),
    resource: expenseReport,
    intent: z.enum(["file_expenses", "review_team", "summarize"]),
    session: z.string(),
    at: z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
    env,
    entities: z.array(user).default([]),
  })
  .transform(
    (request): PolicyRequest => ({
      ...request,
      principal: request.principal as EntityRecord,
      resource: request.resource as EntityRecord,
      entities: lookupOf([...request.entities, request.principal, request.resource]),
    }),
  );

const sameEntity = (a: unknown, b: unknown): boolean => {
  const left = a as EntityRef | undefined;
  const right = b as EntityRef | undefined;
  return left !== undefined && right !== undefined && left.type === right.type && left.id === right.id;
};

function resolveUser(request: PolicyRequest, reference: unknown): EntityRecord {
  const { id } = reference as EntityRef;
  const found = request.entities.get("User", id);
  if (!found) throw new Error(`missing entity \`User:${id}\``);
  return found;
}

const historyQueries: readonly HistoryQuery[] = [
  { index: 0, function: "count", source: "session", withinMs: 60_000, where: null, dependsOnRequest: false, text: "count(session within 1m)" },
  {
    index: 1,
    function: "count",
    source: "session",
    withinMs: 600_000,
    where: (event) => event.action === "read",
    dependsOnRequest: false,
    text: "count(session where event.action == read within 10m)",
  },
  {
    index: 2,
    function: "count",
    source: "resource",
    withinMs: 3_600_000,
    where: (event, request) => !sameEntity(event.principal, request.principal),
    dependsOnRequest: true,
    text: "count(resource where event.principal != principal within 1h)",
  },
];

const separations: readonly SeparationSpec[] = [
  {
    index: 0,
    name: "submit_approve",
    actions: ["submit", "approve"],
    resourceType: "ExpenseReport",
    key: (request) => {
      const onBehalfOf = request.principal["onBehalfOf"] as EntityRef | undefined;
      if (!onBehalfOf) throw new Error("missing `principal.onBehalfOf`");
      return `${onBehalfOf.type}:${onBehalfOf.id}`;
    },
  },
];

type When = (request: PolicyRequest, facts: Facts) => boolean;
interface Rule {
  readonly name: string;
  readonly kind: "allow" | "deny";
  readonly actions: readonly string[] | "*";
  readonly when: When;
  readonly grantSeconds: number | null;
  readonly reason: string | null;
}
interface Monitor {
  readonly name: string;
  readonly actions: readonly string[];
  readonly when: When;
  readonly then: (name: string) => readonly MonitorConsequence[];
}

const obo = (request: PolicyRequest): unknown => request.principal["onBehalfOf"];
const rules: readonly Rule[] = [
  { name: "file_own", kind: "allow", actions: ["submit"], when: (r) => sameEntity(r.resource["owner"], obo(r)), grantSeconds: 900, reason: null },
  { name: "approve_reports", kind: "allow", actions: ["approve"], when: (r) => resolveUser(r, obo(r))["approver"] === true, grantSeconds: 300, reason: null },
  {
    name: "read_own",
    kind: "allow",
    actions: ["read"],
    when: (r) => sameEntity(r.resource["owner"], obo(r)) || sameEntity(resolveUser(r, r.resource["owner"])["manager"], obo(r)),
    grantSeconds: 1800,
    reason: null,
  },
  { name: "night", kind: "deny", actions: "*", when: (r) => (r.env["hour"] as number) < 6 || (r.env["hour"] as number) >= 22, grantSeconds: null, reason: "outside working hours" },
  {
    name: "pii_unmanaged",
    kind: "deny",
    actions: ["read"],
    when: (r) => rank(r.resource["label"] as string) >= rank("pii") && !(r.env["device"] as { managed: boolean }).managed,
    grantSeconds: null,
    reason: "PII needs a managed device",
  },
  { name: "burst", kind: "deny", actions: "*", when: (r, f) => f.count(0, r) >= 60, grantSeconds: null, reason: "more than 60 requests a minute" },
  { name: "crowded", kind: "deny", actions: ["read"], when: (r, f) => f.count(2, r) >= 3, grantSeconds: null, reason: "too many other readers" },
];
const monitors: readonly Monitor[] = [
  {
    name: "secrets_while_summarizing",
    actions: ["read"],
    when: (r) => r.intent === "summarize" && rank(r.resource["label"] as string) >= rank("secret"),
    then: (monitor) => [{ type: "revoke", monitor }, { type: "review", monitor, reason: "reached for secrets while summarizing" }],
  },
  {
    name: "bulk_reads",
    actions: ["read"],
    when: (r, f) => f.count(1, r) >= 5,
    then: (monitor) => [{ type: "downgrade", monitor, actions: ["submit"] }, { type: "alert", monitor, reason: "bulk reading" }],
  },
];

const applies = (actions: readonly string[] | "*", action: string): boolean => actions === "*" || actions.includes(action);

function decide(request: PolicyRequest, facts: Facts): Decision {
  const denyRules: string[] = [];
  const denyReasons: string[] = [];
  const consequences: MonitorConsequence[] = [];
  const error = (name: string, cause: unknown): Decision => ({
    decision: "deny",
    grant: null,
    rules: [name],
    reasons: [`error in rule \`${name}\`: ${cause instanceof Error ? cause.message : String(cause)}`],
    consequences: [],
  });
  const intent = intents[request.intent as keyof typeof intents];
  if (!intent || !(intent.actions as readonly string[]).includes(request.action) || (intent.max !== null && rank(request.resource["label"] as string) > rank(intent.max))) {
    denyRules.push(request.intent);
    denyReasons.push(`outside the scope of intent \`${request.intent}\``);
  }
  for (const rule of rules) {
    if (rule.kind !== "deny" || !applies(rule.actions, request.action)) continue;
    try {
      if (rule.when(request, facts)) {
        denyRules.push(rule.name);
        denyReasons.push(rule.reason ?? rule.name);
      }
    } catch (cause) {
      return error(rule.name, cause);
    }
  }
  for (const separation of separations) {
    if (separation.resourceType !== request.resource.type || !separation.actions.includes(request.action)) continue;
    try {
      const granted = facts.separatedActions(separation.index, separation.key(request), request);
      if (granted.some((action) => action !== request.action)) {
        denyRules.push(separation.name);
        denyReasons.push("whoever submitted a report cannot approve it");
      }
    } catch (cause) {
      return error(separation.name, cause);
    }
  }
  for (const monitor of monitors) {
    if (!monitor.actions.includes(request.action)) continue;
    try {
      if (monitor.when(request, facts)) {
        denyRules.push(monitor.name);
        denyReasons.push(`monitor \`${monitor.name}\` fired`);
        consequences.push(...monitor.then(monitor.name));
      }
    } catch (cause) {
      return error(monitor.name, cause);
    }
  }
  if (denyRules.length > 0) return { decision: "deny", grant: null, rules: denyRules, reasons: denyReasons, consequences };
  const allowed: Rule[] = [];
  for (const rule of rules) {
    if (rule.kind !== "allow" || !applies(rule.actions, request.action)) continue;
    try {
      if (rule.when(request, facts)) allowed.push(rule);
    } catch (cause) {
      return error(rule.name, cause);
    }
  }
  if (allowed.length === 0) return { decision: "deny", grant: null, rules: [], reasons: ["no rule allows it"], consequences: [] };
  const ttl = Math.min(...allowed.map((rule) => rule.grantSeconds ?? 300));
  return { decision: "allow", grant: { ttl_seconds: ttl }, rules: allowed.map((rule) => rule.name), reasons: [], consequences: [] };
}

const location = { file: "expenses.agp", start: 0, end: 0, line: 1, column: 1 };
const metadata: readonly RuleMetadata[] = [
  ...rules.map((rule) => ({ name: rule.name, kind: rule.kind, actions: rule.actions, resourceType: null, reason: rule.reason, grantSeconds: rule.grantSeconds, location })),
  { name: "submit_approve", kind: "separate", actions: ["submit", "approve"], resourceType: "ExpenseReport", reason: null, grantSeconds: null, location },
  ...monitors.map((monitor) => ({ name: monitor.name, kind: "monitor" as const, actions: monitor.actions, resourceType: null, reason: null, grantSeconds: null, location })),
];

/** The expense policy as a module; `sourceHash` can be varied to stand for another version. */
export function expensesModule(sourceHash = "sha256:fixture-expenses-v1"): PolicyModule {
  return {
    policyName: "expenses",
    sourceHash,
    defaultGrantSeconds: 300,
    labels,
    actions: { submit: ["ExpenseReport"], approve: ["ExpenseReport"], read: ["ExpenseReport"] },
    intents,
    agentTypes: ["Assistant"],
    rules: metadata,
    historyQueries,
    separations,
    requestSchema,
    principalSchema: assistant as unknown as z.ZodType<EntityRecord, unknown>,
    decide,
    explain: (request, facts) => ({ decision: decide(request, facts), trace: [] }),
  };
}

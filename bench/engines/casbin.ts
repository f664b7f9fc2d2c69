/**
 * casbin in the decision benchmark: an ABAC model whose policy lines carry each rule's
 * condition, evaluated by the matcher with `eval(p.rule)`, with casbin's allow-and-deny
 * effect (any deny wins, else any allow). Requests are plain objects with the attributes
 * the rules read already joined in (subject, object, action, env), built before timing.
 *
 * Two traps of casbin's matcher: `in` has the lowest precedence, so every `in` is
 * parenthesised; and casbin rewrites any ` (…, …)` group of a matcher that contains ` in `
 * into an array literal, which would mangle the parentheses `eval` wraps around a rule
 * containing a list, so the matcher writes `&&eval(p.rule)` without a space.
 */
import { newEnforcer, newModelFromString } from "casbin";
import type { Enforcer } from "casbin";
import type { BenchRequest, Corpus } from "../corpus.js";
import { LABELS } from "../corpus.js";
import type { ExtraRule } from "../extra-rules.js";
import { packageVersion } from "../versions.js";
import type { Engine } from "./engine.js";
import { bareAnswer } from "./engine.js";

const MODEL = `
[request_definition]
r = sub, obj, act, env

[policy_definition]
p = act, rule, eft, name

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = (p.act == r.act || p.act == '*') &&eval(p.rule)
`;

/** The benchmark policy as casbin policy lines: action (`*`: any), condition, effect, rule name. */
export const CASBIN_RULES: readonly (readonly [string, string, "allow" | "deny", string])[] = [
  ["submit", "r.obj.owner.id == r.sub.obo.id", "allow", "file_own"],
  ["approve", "r.sub.obo.approver && r.obj.owner.department == r.sub.obo.department && r.obj.amount <= 5000", "allow", "approve_reports"],
  ["read", "r.obj.owner.id == r.sub.obo.id || r.obj.owner.managerId == r.sub.obo.id", "allow", "read_own"],
  ["read", "r.sub.obo.approver && r.obj.owner.department == r.sub.obo.department", "allow", "read_department"],
  ["*", "r.env.hour < 7 || r.env.hour >= 20", "deny", "night"],
  ["read", "r.obj.labelRank >= 3 && !r.env.managed", "deny", "pii_unmanaged"],
  ["*", "(r.env.country in ('CU', 'IR', 'KP', 'SY'))", "deny", "sanctioned_country"],
  ["*", "r.env.recentInSession >= 20", "deny", "burst"],
  ["submit", "('approve' in r.env.chainActions)", "deny", "submit_approve"],
  ["approve", "('submit' in r.env.chainActions)", "deny", "submit_approve"],
  ["read", "r.env.intent == 'summarize' && r.obj.labelRank >= 4", "deny", "secrets_while_summarizing"],
  ["*", "r.env.intent == 'file_expenses' && !(r.act in ['submit', 'read'])", "deny", "file_expenses"],
  ["*", "r.env.intent == 'review_team' && !(r.act in ['approve', 'read'])", "deny", "review_team"],
  ["*", "r.env.intent == 'summarize' && (r.act != 'read' || r.obj.labelRank > 2)", "deny", "summarize"],
];

function casbinRule(rule: ExtraRule): string[] {
  switch (rule.kind) {
    case "own_small":
      return [rule.action, `r.obj.owner.id == r.sub.obo.id && r.obj.amount < ${rule.maxAmount}`, "allow", rule.name];
    case "manager":
      return [rule.action, "r.obj.owner.managerId == r.sub.obo.id", "allow", rule.name];
    case "pii_unmanaged":
      return [rule.action, "r.obj.labelRank >= 3 && !r.env.managed", "deny", rule.name];
    case "department_large":
      return [rule.action, `r.sub.obo.department == '${rule.department}' && r.obj.amount > ${rule.minAmount}`, "deny", rule.name];
  }
}

/** casbin's request values for a corpus request: subject, object, action, env. */
export function casbinRequest(corpus: Corpus, request: BenchRequest): [unknown, unknown, string, unknown] {
  const me = corpus.users.get(request.assistant.userId);
  const owner = corpus.users.get(request.report.ownerId);
  if (!me || !owner) throw new Error("corpus request without its users");
  return [
    { id: request.assistant.id, obo: { id: me.id, department: me.department, approver: me.approver } },
    {
      id: request.report.id,
      amount: request.report.amount,
      labelRank: LABELS.indexOf(request.report.label),
      owner: { id: owner.id, department: owner.department, managerId: owner.managerId },
    },
    request.action,
    {
      intent: request.intent,
      hour: request.env.hour,
      country: request.env.country,
      managed: request.env.device.managed,
      recentInSession: request.facts.recentInSession,
      chainActions: [...request.facts.chainActions],
    },
  ];
}

/** A casbin enforcer holding the benchmark policy and `rules`. */
export async function casbinEnforcer(rules: readonly ExtraRule[]): Promise<Enforcer> {
  const enforcer = await newEnforcer(newModelFromString(MODEL));
  await enforcer.addPolicies([...CASBIN_RULES.map((rule) => [...rule]), ...rules.map(casbinRule)]);
  return enforcer;
}

/** casbin deciding the corpus with `enforceSync`. */
export async function casbinEngine(corpus: Corpus, rules: readonly ExtraRule[]): Promise<Engine> {
  const enforcer = await casbinEnforcer(rules);
  const requests = corpus.requests.map((request) => casbinRequest(corpus, request));
  const n = requests.length;
  return {
    name: "casbin",
    version: `casbin ${packageVersion("casbin")}`,
    runBatch(start, count) {
      let allowed = 0;
      for (let k = 0, i = start % n; k < count; k++, i = i + 1 === n ? 0 : i + 1) {
        const [sub, obj, act, env] = requests[i] as [unknown, unknown, string, unknown];
        if (enforcer.enforceSync(sub, obj, act, env)) allowed++;
      }
      return allowed;
    },
    input: (i) => requests[i],
    answer(i) {
      const [sub, obj, act, env] = requests[i] as [unknown, unknown, string, unknown];
      return bareAnswer(enforcer.enforceSync(sub, obj, act, env));
    },
  };
}

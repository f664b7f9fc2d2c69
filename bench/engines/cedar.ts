/**
 * Cedar (`@cedar-policy/cedar-wasm`) in the decision benchmark. The policy set is
 * pre-parsed once (`preparsePolicySet`) and each request is a ready `statefulIsAuthorized`
 * call: entities and context built before timing. Cedar has no label order, so a report
 * carries its label's rank (`labelRank`); the session intent and the history-derived facts
 * travel in the context (`recentInSession`, `chainActions`), computed like every engine's.
 * Policy ids are agp's rule names, and intent scopes are forbids named after the intent,
 * so Cedar's `diagnostics.reason` can be compared with agp's `rules`.
 */
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import type { AuthorizationAnswer, EntityJson, StatefulAuthorizationCall } from "@cedar-policy/cedar-wasm/nodejs";
import type { BenchRequest, BenchUser, Corpus } from "../corpus.js";
import { LABELS, usersOf } from "../corpus.js";
import type { ExtraRule } from "../extra-rules.js";
import { packageVersion } from "../versions.js";
import type { Answer, Engine } from "./engine.js";

/** The benchmark policy in Cedar, by policy id. */
export const CEDAR_POLICIES: Readonly<Record<string, string>> = {
  file_own: `permit (principal, action == Action::"submit", resource is ExpenseReport)
    when { resource.owner == principal.onBehalfOf };`,
  approve_reports: `permit (principal, action == Action::"approve", resource is ExpenseReport)
    when { principal.onBehalfOf.approver && resource.owner.department == principal.onBehalfOf.department && resource.amount <= 5000 };`,
  read_own: `permit (principal, action == Action::"read", resource is ExpenseReport)
    when { resource.owner == principal.onBehalfOf || (resource.owner has manager && resource.owner.manager == principal.onBehalfOf) };`,
  read_department: `permit (principal, action == Action::"read", resource is ExpenseReport)
    when { principal.onBehalfOf.approver && resource.owner.department == principal.onBehalfOf.department };`,
  night: `forbid (principal, action, resource) when { context.hour < 7 || context.hour >= 20 };`,
  pii_unmanaged: `forbid (principal, action == Action::"read", resource)
    when { resource.labelRank >= 3 && !context.device.managed };`,
  sanctioned_country: `forbid (principal, action, resource) when { ["CU", "IR", "KP", "SY"].contains(context.country) };`,
  burst: `forbid (principal, action, resource) when { context.recentInSession >= 20 };`,
  submit_approve: `forbid (principal, action in [Action::"submit", Action::"approve"], resource is ExpenseReport)
    when { (action == Action::"submit" && context.chainActions.contains("approve"))
        || (action == Action::"approve" && context.chainActions.contains("submit")) };`,
  secrets_while_summarizing: `forbid (principal, action == Action::"read", resource)
    when { context.intent == "summarize" && resource.labelRank >= 4 };`,
  file_expenses: `forbid (principal, action, resource)
    when { context.intent == "file_expenses" } unless { action in [Action::"submit", Action::"read"] };`,
  review_team: `forbid (principal, action, resource)
    when { context.intent == "review_team" } unless { action in [Action::"approve", Action::"read"] };`,
  summarize: `forbid (principal, action, resource)
    when { context.intent == "summarize" && (!(action in [Action::"read"]) || resource.labelRank > 2) };`,
};

function cedarRuleText(rule: ExtraRule): string {
  const scope = `principal, action == Action::"${rule.action}", resource is ExpenseReport`;
  switch (rule.kind) {
    case "own_small":
      return `permit (${scope}) when { resource.owner == principal.onBehalfOf && resource.amount < ${rule.maxAmount} };`;
    case "manager":
      return `permit (${scope}) when { resource.owner has manager && resource.owner.manager == principal.onBehalfOf };`;
    case "pii_unmanaged":
      return `forbid (${scope}) when { resource.labelRank >= 3 && !context.device.managed };`;
    case "department_large":
      return `forbid (${scope}) when { principal.onBehalfOf.department == "${rule.department}" && resource.amount > ${rule.minAmount} };`;
  }
}

/** The Cedar policy set with `rules` added. */
export function cedarPolicies(rules: readonly ExtraRule[]): Record<string, string> {
  return { ...CEDAR_POLICIES, ...Object.fromEntries(rules.map((rule) => [rule.name, cedarRuleText(rule)])) };
}

const user = (id: string) => ({ __entity: { type: "User", id } });

function userEntity(record: BenchUser): EntityJson {
  return {
    uid: { type: "User", id: record.id },
    attrs: {
      ...(record.managerId === null ? {} : { manager: user(record.managerId) }),
      department: record.department,
      approver: record.approver,
    },
    parents: [],
  };
}

/** The `statefulIsAuthorized` call of a corpus request, against pre-parsed policy set `policySetId`. */
export function cedarCall(corpus: Corpus, request: BenchRequest, policySetId: string): StatefulAuthorizationCall {
  const { assistant, report } = request;
  return {
    principal: { type: "Assistant", id: assistant.id },
    action: { type: "Action", id: request.action },
    resource: { type: "ExpenseReport", id: report.id },
    context: {
      intent: request.intent,
      hour: request.env.hour,
      country: request.env.country,
      device: { managed: request.env.device.managed },
      recentInSession: request.facts.recentInSession,
      chainActions: [...request.facts.chainActions],
    },
    preparsedPolicySetId: policySetId,
    entities: [
      { uid: { type: "Assistant", id: assistant.id }, attrs: { onBehalfOf: user(assistant.userId) }, parents: [] },
      {
        uid: { type: "ExpenseReport", id: report.id },
        attrs: { owner: user(report.ownerId), amount: report.amount, label: report.label, labelRank: LABELS.indexOf(report.label) },
        parents: [],
      },
      ...usersOf(corpus, request).map(userEntity),
    ],
  };
}

/** The version of the Cedar engine inside the package, and of the package. */
export function cedarVersion(): string {
  return `cedar ${cedar.getCedarVersion()} (cedar-wasm ${packageVersion("@cedar-policy/cedar-wasm")})`;
}

function allows(answer: AuthorizationAnswer): boolean {
  return answer.type === "success" && answer.response.decision === "allow";
}

/** Cedar deciding the corpus under policy set `rules`. Throws if the policies do not parse. */
export function cedarEngine(corpus: Corpus, rules: readonly ExtraRule[], variant: string): Engine {
  const policySetId = `bench-${variant}`;
  const parsed = cedar.preparsePolicySet(policySetId, { staticPolicies: cedarPolicies(rules) });
  if (parsed.type !== "success") throw new Error(`cedar policies do not parse: ${JSON.stringify(parsed.errors)}`);
  const calls = corpus.requests.map((request) => cedarCall(corpus, request, policySetId));
  const n = calls.length;
  return {
    name: "cedar-wasm",
    version: cedarVersion(),
    runBatch(start, count) {
      let allowed = 0;
      for (let k = 0, i = start % n; k < count; k++, i = i + 1 === n ? 0 : i + 1) {
        if (allows(cedar.statefulIsAuthorized(calls[i] as StatefulAuthorizationCall))) allowed++;
      }
      return allowed;
    },
    input: (i) => calls[i],
    answer(i): Answer {
      const answer = cedar.statefulIsAuthorized(calls[i] as StatefulAuthorizationCall);
      if (answer.type !== "success") return { allow: false, rules: [`cedar failure: ${JSON.stringify(answer.errors)}`] };
      const { decision, diagnostics } = answer.response;
      if (diagnostics.errors.length > 0) return { allow: false, rules: [`cedar errors: ${JSON.stringify(diagnostics.errors)}`] };
      return { allow: decision === "allow", rules: [...diagnostics.reason].sort() };
    },
  };
}

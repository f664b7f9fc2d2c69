/**
 * agp in the decision benchmark: the benchmark policy (plus the variant's extra rules)
 * compiled in memory with `compileToModule`, deciding requests validated by the module's
 * own `requestSchema` before timing.
 */
import { readFileSync } from "node:fs";
import { compileToModule, formatDiagnostic, hasErrors } from "../../compiler/index.js";
import type { Decision, Facts, PolicyModule, PolicyRequest } from "../../stdlib/contract.js";
import type { BenchRequest, Corpus } from "../corpus.js";
import { usersOf } from "../corpus.js";
import type { ExtraRule } from "../extra-rules.js";
import { extraActions } from "../extra-rules.js";
import { REPO_ROOT } from "../versions.js";
import type { Answer, Engine } from "./engine.js";

/** Where the benchmark policy lives. */
export const BENCH_POLICY_URL = new URL("bench/policies/expenses-bench.agp", REPO_ROOT);

/** The benchmark policy's source with `rules` appended, and their actions declared. */
export function agpPolicyText(rules: readonly ExtraRule[]): string {
  const base = readFileSync(BENCH_POLICY_URL, "utf8");
  if (rules.length === 0) return base;
  const actions = extraActions(rules);
  const lines = [
    "",
    `action ${actions.join(", ")} on ExpenseReport`,
    `intent back_office "Other work" { actions ${actions.join(", ")} }`,
    ...rules.map(agpRuleText),
  ];
  return `${base}${lines.join("\n")}\n`;
}

function agpRuleText(rule: ExtraRule): string {
  switch (rule.kind) {
    case "own_small":
      return `allow ${rule.name}: ${rule.action} on ExpenseReport when resource.owner == principal.onBehalfOf and resource.amount < ${rule.maxAmount} grant ${rule.grantMinutes}m`;
    case "manager":
      return `allow ${rule.name}: ${rule.action} on ExpenseReport when resource.owner.manager == principal.onBehalfOf`;
    case "pii_unmanaged":
      return `deny ${rule.name}: ${rule.action} when resource.label >= pii and not env.device.managed reason "${rule.name}: PII needs a managed device"`;
    case "department_large":
      return `deny ${rule.name}: ${rule.action} when principal.onBehalfOf.department == "${rule.department}" and resource.amount > ${rule.minAmount} reason "${rule.name}: too large"`;
  }
}

/** Compiles the policy with `rules` in memory (full pipeline, type-check included). */
export async function compileBenchModule(rules: readonly ExtraRule[]): Promise<{ module: PolicyModule; compileMs: number }> {
  const started = performance.now();
  const { module, diagnostics } = await compileToModule(agpPolicyText(rules), { path: "bench/policies/expenses-bench.agp" });
  const compileMs = performance.now() - started;
  if (!module || hasErrors(diagnostics)) {
    throw new Error(`the benchmark policy does not compile:\n${diagnostics.map((d) => formatDiagnostic(d)).join("\n")}`);
  }
  return { module, compileMs };
}

/** The JSON request of DESIGN.md for a corpus request. */
export function agpRequestJson(corpus: Corpus, request: BenchRequest): unknown {
  return {
    principal: { type: "Assistant", id: request.assistant.id, onBehalfOf: { type: "User", id: request.assistant.userId } },
    action: request.action,
    resource: {
      type: "ExpenseReport",
      id: request.report.id,
      owner: { type: "User", id: request.report.ownerId },
      amount: request.report.amount,
      label: request.report.label,
    },
    intent: request.intent,
    session: request.session,
    at: new Date(request.at).toISOString(),
    env: request.env,
    entities: usersOf(corpus, request).map((user) => ({
      type: "User",
      id: user.id,
      ...(user.managerId === null ? {} : { manager: { type: "User", id: user.managerId } }),
      department: user.department,
      approver: user.approver,
    })),
  };
}

/** Validates every corpus request with the module's schema (the shape conversion, untimed). */
export function agpRequests(module: PolicyModule, corpus: Corpus): PolicyRequest[] {
  return corpus.requests.map((request, i) => {
    const parsed = module.requestSchema.safeParse(agpRequestJson(corpus, request));
    if (!parsed.success) throw new Error(`corpus request ${i} is invalid for agp: ${parsed.error.message}`);
    return parsed.data;
  });
}

/** The sorted answer of an agp decision. */
export function agpAnswer(decision: Decision): Answer {
  return {
    allow: decision.decision === "allow",
    rules: [...decision.rules].sort(),
    ttlSeconds: decision.grant?.ttl_seconds ?? null,
  };
}

/** agp deciding validated requests with their facts. */
export function agpEngine(module: PolicyModule, requests: readonly PolicyRequest[], facts: readonly Facts[], name = "agp"): Engine {
  const n = requests.length;
  return {
    name,
    version: module.sourceHash.slice(0, 19),
    runBatch(start, count) {
      let allowed = 0;
      for (let k = 0, i = start % n; k < count; k++, i = i + 1 === n ? 0 : i + 1) {
        if (module.decide(requests[i] as PolicyRequest, facts[i] as Facts).decision === "allow") allowed++;
      }
      return allowed;
    },
    input: (i) => [requests[i], facts[i]],
    answer: (i) => agpAnswer(module.decide(requests[i] as PolicyRequest, facts[i] as Facts)),
  };
}

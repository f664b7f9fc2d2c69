/**
 * Helpers for decision semantics tests: compile a small inline policy in memory (type-check
 * included), build requests as DESIGN.md's JSON, and decide them against a history of
 * earlier granted requests read by the reference `listFacts`.
 */
import { compileToModule, formatDiagnostic } from "../../compiler/index.js";
import type { Decision, PolicyModule, PolicyRequest, RuleTrace } from "../../stdlib/contract.js";
import { listFacts } from "../../stdlib/list-facts.js";

/** Declarations most semantics tests build on; tests append rules. */
export const basePolicy = `policy semantics
sensitivity public < internal < confidential < secret
entity User { manager: User?, department: string, approver: bool }
agent Assistant { onBehalfOf: User }
resource Doc { owner: User, label: sensitivity, amount: number, tags: [string] }
resource Folder { owner: User }
context { hour: number, managed: bool, country: string, badge: string?, now: time }
action read, write, approve, submit on Doc
action read, list on Folder
intent work "Work" { actions read, write, approve, submit, list }
intent browse "Browse" { actions read, list max internal }
`;

/** Compiles a policy (throws with the diagnostics when it does not compile). */
export async function compilePolicy(text: string): Promise<PolicyModule> {
  const { module, diagnostics } = await compileToModule(text, { path: "semantics.agp" });
  if (!module) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join("\n"));
  return module;
}

/** A JSON request with sensible defaults: alice's assistant reads alice's internal doc at 10:00. */
export function requestJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    principal: { type: "Assistant", id: "a1", onBehalfOf: { type: "User", id: "alice" } },
    action: "read",
    resource: {
      type: "Doc",
      id: "d1",
      owner: { type: "User", id: "alice" },
      label: "internal",
      amount: 100,
      tags: ["finance"],
    },
    intent: "work",
    session: "s1",
    at: "2026-01-05T10:00:00Z",
    env: { hour: 10, managed: true, country: "FR", now: "2026-01-05T10:00:00Z" },
    entities: [
      { type: "User", id: "alice", department: "sales", approver: true },
      { type: "User", id: "bob", manager: { type: "User", id: "alice" }, department: "sales", approver: false },
    ],
    ...overrides,
  };
}

/** Validates a JSON request with the module's schema (throws naming the issues). */
export function parseRequest(module: PolicyModule, json: unknown): PolicyRequest {
  const parsed = module.requestSchema.safeParse(json);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return parsed.data;
}

/** Decides a JSON request against a history of earlier granted JSON requests. */
export function decideJson(module: PolicyModule, json: unknown, history: readonly unknown[] = []): Decision {
  const facts = listFacts(module, history.map((entry) => parseRequest(module, entry)));
  return module.decide(parseRequest(module, json), facts);
}

/** Explains a JSON request against a history of earlier granted JSON requests. */
export function explainJson(
  module: PolicyModule,
  json: unknown,
  history: readonly unknown[] = [],
): { readonly decision: Decision; readonly trace: readonly RuleTrace[] } {
  const facts = listFacts(module, history.map((entry) => parseRequest(module, entry)));
  return module.explain(parseRequest(module, json), facts);
}

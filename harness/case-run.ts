/**
 * One `case` running: its steps, in order, mapped onto a {@link Scenario} (a fresh
 * in-memory runtime with a virtual clock), each compared with what the step expects.
 * The first step that fails stops the case and says why, where, and (for a decision)
 * how every rule fared.
 */
import type { CheckedCase, CheckedExpectDecisionStep, CheckedStep, CheckedTestFile } from "../compiler/check/model-test.js";
import type { ExpectStateStep, RedeemStep } from "../compiler/ast.js";
import type { Signer } from "../runtime/tokens.js";
import type { PolicyModule } from "../stdlib/contract.js";
import type { CoverageRecorder } from "./coverage.js";
import { decisionMismatches, expectedDecisionOf } from "./expectations.js";
import { HarnessStore } from "./harness-store.js";
import { entityJson, type EntityCatalog } from "./requests.js";
import { pointAt, type StepFailure } from "./results.js";
import { explanationOf } from "./explain.js";
import type { ExpectedDecisions } from "./expected-decisions.js";
import { jsonDiff } from "./json-diff.js";
import { Scenario, ScenarioError } from "./scenario.js";

/** What every case of a file shares: the policy module, the file, the entities, the signer. */
export interface CaseEnvironment {
  readonly test: CheckedTestFile;
  readonly module: PolicyModule;
  readonly entities: EntityCatalog;
  readonly signer: Signer;
  /** Where the virtual clock starts (epoch milliseconds). */
  readonly start: number;
  readonly coverage: CoverageRecorder | undefined;
  /** The decisions of the file's `matches "FILE.json"` steps. */
  readonly expectedDecisions: ExpectedDecisions;
}

/** Runs the steps of `kase` in order, stopping at the first failure; returns it and how many steps ran. */
export async function runCaseSteps(
  environment: CaseEnvironment,
  kase: CheckedCase,
): Promise<{ failure: StepFailure | undefined; stepsRun: number }> {
  const scenario = new Scenario(environment.module, {
    start: environment.start,
    entities: environment.entities,
    signer: environment.signer,
    store: new HarnessStore(),
    storeTimeoutMs: null,
  });
  const fail = (step: { readonly span: StepFailure["at"]["span"] }, message: string): StepFailure => ({
    message,
    at: pointAt(environment.test.source, step.span),
  });
  let stepsRun = 0;
  try {
    for (const step of kase.steps) {
      stepsRun++;
      let failure: StepFailure | undefined;
      try {
        failure = await runStep(environment, scenario, step, fail);
      } catch (error) {
        // A step the scenario cannot take (no session yet, no grant) fails at that step.
        if (!(error instanceof ScenarioError)) throw error;
        failure = fail(step.step, error.message);
      }
      if (failure) return { failure, stepsRun };
    }
    return { failure: undefined, stepsRun };
  } finally {
    await scenario.close();
  }
}

type Fail = (step: { readonly span: StepFailure["at"]["span"] }, message: string) => StepFailure;

async function runStep(environment: CaseEnvironment, scenario: Scenario, step: CheckedStep, fail: Fail): Promise<StepFailure | undefined> {
  switch (step.kind) {
    case "session": {
      if (!step.principal) return fail(step.step, "the session's principal has no value");
      try {
        await scenario.openSession(entityJson(step.principal), step.intent, step.env);
        return undefined;
      } catch (error) {
        return fail(step.step, `the runtime refused to open the session: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    case "expectDecision":
      return expectDecision(environment, scenario, step, fail);
    case "advance":
      scenario.advance(step.milliseconds);
      return undefined;
    case "redeem":
      return redeem(scenario, step.step, fail);
    case "revoke":
      await scenario.revoke(step.step.target);
      return undefined;
    case "expectState":
      return step.step.subject === "session" ? expectSession(scenario, step.step, step.downgradedTo, fail) : expectGrant(scenario, step.step, fail);
    case "resolveReview":
      await scenario.resolveReview(step.step.verdict);
      return undefined;
  }
}

async function expectDecision(environment: CaseEnvironment, scenario: Scenario, step: CheckedExpectDecisionStep, fail: Fail): Promise<StepFailure | undefined> {
  if (!step.resource) return fail(step.step, "the request's resource has no value");
  const outcome = await scenario.request(step.action, entityJson(step.resource), step.env === undefined ? {} : { env: step.env });
  environment.coverage?.record(environment.test.policy, outcome.decision.rules);
  const expected = expectedDecisionOf(step);
  const mismatches = decisionMismatches(expected, outcome.decision);
  let diff: string[] = [];
  if (step.matches !== undefined) {
    const whole = environment.expectedDecisions.get(step.matches);
    if (!whole) return fail(step.step, `the expected decision file \`${step.matches}\` was not loaded`);
    diff = jsonDiff(whole, outcome.decision);
    if (diff.length > 0) mismatches.push(`the decision JSON differs from \`${step.matches}\``);
  }
  if (mismatches.length === 0) return undefined;
  const explained = explanationOf(outcome.decision);
  return {
    ...fail(step.step, mismatches.join("; ")),
    expected,
    actual: outcome.decision,
    ...(diff.length > 0 ? { jsonDiff: diff } : {}),
    ...(explained?.trace ? { explanation: explained.trace } : {}),
    ...(explained && explained.notes.length > 0 ? { notes: explained.notes } : {}),
  };
}

async function redeem(scenario: Scenario, step: RedeemStep, fail: Fail): Promise<StepFailure | undefined> {
  const result = await scenario.redeem();
  if (!step.expectRefused) {
    return result.ok ? undefined : fail(step, `expected the grant to redeem, it was refused (\`${result.reason}\`): ${result.message}`);
  }
  if (result.ok) return fail(step, "expected the redeem to be refused, it succeeded");
  const code = step.refusal?.value;
  if (code !== undefined && result.reason !== code) return fail(step, `expected refusal \`${code}\`, got \`${result.reason}\`: ${result.message}`);
  return undefined;
}

async function expectSession(scenario: Scenario, step: ExpectStateStep, downgradedTo: readonly string[], fail: Fail): Promise<StepFailure | undefined> {
  const state = await scenario.sessionState();
  if (state.status !== step.state) {
    const detail = state.status === "ended" ? ` (${state.reason})` : state.status === "downgraded" ? ` to ${state.actions.join(", ")}` : "";
    return fail(step, `expected the session ${step.state}, it is ${state.status}${detail}`);
  }
  if (state.status === "downgraded" && downgradedTo.length > 0) {
    const actual = [...new Set(state.actions)].sort();
    const expected = [...new Set(downgradedTo)].sort();
    if (actual.join(",") !== expected.join(",")) {
      return fail(step, `expected the session downgraded to ${expected.join(", ")}, it is downgraded to ${actual.join(", ") || "no action"}`);
    }
  }
  return undefined;
}

async function expectGrant(scenario: Scenario, step: ExpectStateStep, fail: Fail): Promise<StepFailure | undefined> {
  const status = await scenario.grantStatus();
  // `revoked` covers every revocation that took the grant back: its own, its session's, its principal's.
  const revoked = status === "revoked" || status === "session revoked" || status === "principal revoked";
  const matches = step.state === "revoked" ? revoked : status === "live";
  return matches ? undefined : fail(step, `expected the last grant ${step.state}, it is ${status}`);
}

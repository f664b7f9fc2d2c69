/**
 * One `case` running: a fresh in-memory runtime with a virtual clock, the current session,
 * the last grant, and the requests granted so far. Each step kind is one method that
 * drives the runtime exactly as a service would and returns a failure or nothing.
 */
import type {
  CheckedCase,
  CheckedExpectDecisionStep,
  CheckedSessionStep,
  CheckedStep,
  CheckedTestFile,
  TestValue,
} from "../compiler/check/model-test.js";
import type { ExpectStateStep, RedeemStep, ResolveReviewStep, RevokeStep } from "../compiler/ast.js";
import {
  createRuntime,
  memoryStore,
  openOperatorView,
  virtualClock,
  type Grant,
  type Runtime,
  type Session,
  type Signer,
  type VirtualClock,
} from "../runtime/index.js";
import type { PolicyModule } from "../stdlib/contract.js";
import type { CoverageRecorder } from "./coverage.js";
import { decisionMismatches, expectedDecisionOf } from "./expectations.js";
import { explainRequest } from "./explain.js";
import { entityJson, envJson, type EntityJson } from "./requests.js";
import { pointAt, type StepFailure } from "./results.js";

/** What every case of a file shares: the policy module, the file, the entities, the signer. */
export interface CaseEnvironment {
  readonly test: CheckedTestFile;
  readonly module: PolicyModule;
  readonly entities: readonly EntityJson[];
  readonly signer: Signer;
  /** Where the virtual clock starts (epoch milliseconds). */
  readonly start: number;
  readonly coverage: CoverageRecorder | undefined;
}

/** The session a case is working in. */
interface CurrentSession {
  readonly session: Session;
  readonly principal: EntityJson;
  readonly env: TestValue | undefined;
}

/** Who resolves reviews in tests, as the audit log records it. */
const REVIEWER = "agp test";

/** The state of one running case; {@link runSteps} is its one entry. */
export class CaseRun {
  private readonly clock: VirtualClock;
  private readonly runtime: Runtime;
  private current: CurrentSession | undefined;
  private lastGrant: Grant | undefined;
  /** The JSON of every granted request so far, for explanations (the runtime keeps its own facts). */
  private readonly granted: Record<string, unknown>[] = [];

  constructor(private readonly environment: CaseEnvironment) {
    this.clock = virtualClock(environment.start);
    this.runtime = createRuntime({
      policy: environment.module,
      store: memoryStore(),
      clock: this.clock,
      signer: environment.signer,
    });
  }

  /** Runs the case's steps in order, stopping at the first failure; returns it and how many steps ran. */
  async runSteps(kase: CheckedCase): Promise<{ failure: StepFailure | undefined; stepsRun: number }> {
    let stepsRun = 0;
    try {
      for (const step of kase.steps) {
        stepsRun++;
        const failure = await this.runStep(step);
        if (failure) return { failure, stepsRun };
      }
      return { failure: undefined, stepsRun };
    } finally {
      await this.runtime.close();
    }
  }

  private runStep(step: CheckedStep): Promise<StepFailure | undefined> | StepFailure | undefined {
    switch (step.kind) {
      case "session":
        return this.openSession(step);
      case "expectDecision":
        return this.expectDecision(step);
      case "advance":
        this.clock.advance(step.milliseconds);
        return undefined;
      case "redeem":
        return this.redeem(step.step);
      case "revoke":
        return this.revoke(step.step);
      case "expectState":
        return step.step.subject === "session" ? this.expectSession(step.step, step.downgradedTo) : this.expectGrant(step.step);
      case "resolveReview":
        return this.resolveReview(step.step);
    }
  }

  private async openSession(step: CheckedSessionStep): Promise<StepFailure | undefined> {
    if (!step.principal) return this.fail(step.step, "the session's principal has no value");
    const principal = entityJson(step.principal);
    try {
      const session = await this.runtime.openSession({ principal, intent: step.intent });
      this.current = { session, principal, env: step.env };
      return undefined;
    } catch (error) {
      return this.fail(step.step, `the runtime refused to open the session: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async expectDecision(step: CheckedExpectDecisionStep): Promise<StepFailure | undefined> {
    const current = this.current;
    if (!current) return this.fail(step.step, "no session: add a `session` step before this request");
    if (!step.resource) return this.fail(step.step, "the request's resource has no value");
    const resource = entityJson(step.resource);
    const env = envJson(step.env ?? current.env);
    const requestJson = this.requestJson(current, step.action, resource, env);
    const outcome = await current.session.request({ action: step.action, resource, env, entities: this.environment.entities });
    this.environment.coverage?.record(this.environment.test.policy, outcome.decision.rules);
    if (outcome.grant) {
      this.lastGrant = outcome.grant;
      this.granted.push(requestJson);
    }
    const expected = expectedDecisionOf(step);
    const mismatches = decisionMismatches(expected, outcome.decision);
    if (mismatches.length === 0) return undefined;
    // The request that failed is not history yet for its own explanation.
    const history = outcome.grant ? this.granted.slice(0, -1) : this.granted;
    const explained = explainRequest(this.environment.module, requestJson, history, outcome.decision);
    return {
      ...this.fail(step.step, mismatches.join("; ")),
      expected,
      actual: outcome.decision,
      ...(explained.trace ? { explanation: explained.trace } : {}),
      ...(explained.notes.length > 0 ? { notes: explained.notes } : {}),
    };
  }

  /** The request JSON the runtime builds for this request (same session id and time). */
  private requestJson(current: CurrentSession, action: string, resource: EntityJson, env: unknown): Record<string, unknown> {
    return {
      principal: current.principal,
      action,
      resource,
      intent: current.session.intent,
      session: current.session.id,
      at: new Date(this.clock.now()).toISOString(),
      env,
      entities: this.environment.entities,
    };
  }

  private async redeem(step: RedeemStep): Promise<StepFailure | undefined> {
    const grant = this.lastGrant;
    if (!grant) return this.fail(step, "no grant to redeem: no request of this case was allowed yet");
    const result = await this.runtime.redeem(grant.token, { action: grant.action, resource: grant.resource });
    if (!step.expectRefused) {
      return result.ok ? undefined : this.fail(step, `expected the grant to redeem, it was refused (${result.reason}): ${result.message}`);
    }
    if (result.ok) return this.fail(step, "expected the redeem to be refused, it succeeded");
    const code = step.refusal?.value;
    if (code !== undefined && result.reason !== code) {
      return this.fail(step, `expected refusal \`${code}\`, got \`${result.reason}\`: ${result.message}`);
    }
    return undefined;
  }

  private async revoke(step: RevokeStep): Promise<StepFailure | undefined> {
    const target = step.target;
    const by = { by: REVIEWER };
    if (target === "grant") {
      if (!this.lastGrant) return this.fail(step, "no grant to revoke: no request of this case was allowed yet");
      await this.runtime.revoke({ grant: this.lastGrant.id }, by);
      return undefined;
    }
    if (!this.current) return this.fail(step, `no session: add a \`session\` step before \`revoke ${target}\``);
    const session = this.current.session;
    await this.runtime.revoke(target === "session" ? { session: session.id } : { principal: session.principal }, by);
    return undefined;
  }

  private async expectSession(step: ExpectStateStep, downgradedTo: readonly string[]): Promise<StepFailure | undefined> {
    if (!this.current) return this.fail(step, "no session: add a `session` step before this expectation");
    const state = await this.current.session.state();
    if (state.status !== step.state) {
      const detail = state.status === "ended" ? ` (${state.reason})` : state.status === "downgraded" ? ` to ${state.actions.join(", ")}` : "";
      return this.fail(step, `expected the session ${step.state}, it is ${state.status}${detail}`);
    }
    if (state.status === "downgraded" && downgradedTo.length > 0) {
      const actual = [...state.actions].sort();
      const expected = [...new Set(downgradedTo)].sort();
      if (actual.join(",") !== expected.join(",")) {
        return this.fail(step, `expected the session downgraded to ${expected.join(", ")}, it is downgraded to ${actual.join(", ") || "no action"}`);
      }
    }
    return undefined;
  }

  private async expectGrant(step: ExpectStateStep): Promise<StepFailure | undefined> {
    const grant = this.lastGrant;
    if (!grant) return this.fail(step, "no grant: no request of this case was allowed yet");
    const view = openOperatorView(this.runtime.store, { clock: this.clock });
    const status = (await view.grants({ session: grant.session })).find((candidate) => candidate.id === grant.id)?.status;
    // `revoked` covers every revocation that took the grant back: its own, its session's, its principal's.
    const revoked = status === "revoked" || status === "session revoked" || status === "principal revoked";
    const matches = step.state === "revoked" ? revoked : status === "live";
    return matches ? undefined : this.fail(step, `expected the last grant ${step.state}, it is ${status ?? "unknown"}`);
  }

  private async resolveReview(step: ResolveReviewStep): Promise<StepFailure | undefined> {
    if (!this.current) return this.fail(step, "no session: add a `session` step before resolving a review");
    const sessionId = this.current.session.id;
    const review = (await this.runtime.reviews.pending()).filter((pending) => pending.session === sessionId).at(-1);
    if (!review) return this.fail(step, "no review is pending for the current session");
    await this.runtime.reviews.resolve(review.id, step.verdict, { by: REVIEWER });
    return undefined;
  }

  private fail(step: { readonly span: StepFailure["at"]["span"] }, message: string): StepFailure {
    return { message, at: pointAt(this.environment.test.source, step.span) };
  }
}

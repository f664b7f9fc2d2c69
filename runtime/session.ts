/**
 * Sessions: an agent working under one declared intent. `session.request` is the heart of
 * the runtime: it enforces the session's state, validates the request with the policy's
 * schema, reads the history facts, decides, and on allow records the grant atomically with
 * the separation check, then signs its token. It never throws: any failure is a deny with
 * its reason.
 */
import type { Decision, EntityRef, PolicyRequest } from "../stdlib/contract.js";
import type { LoadedPolicy, RuntimeContext } from "./context.js";
import { messageOf } from "./errors.js";
import type { Grant } from "./grants.js";
import { newGrantRecord, signGrant } from "./grants.js";
import { catchUpIndexes } from "./facts.js";
import { oweConsequences, settleConsequences } from "./monitors.js";
import type { GrantRecord, SessionRecord, SessionState } from "./stores/store.js";
import { entityKey } from "./stores/store.js";
import { validationMessage } from "../stdlib/schemas.js";
import { formatIssues } from "./validation.js";
import { eventOf } from "../stdlib/list-facts.js";

/** What an agent asks for: one action on one resource, in an environment. */
export interface RequestInput {
  readonly action: string;
  /** The resource as JSON: `{ type, id, ...attributes }`. */
  readonly resource: { readonly type: string; readonly id: string; readonly [field: string]: unknown };
  /** The context (`env`) the policy declares. */
  readonly env?: unknown;
  /** Entities referenced by the principal or resource, with their attributes. */
  readonly entities?: readonly unknown[];
  /** The audience of the token; the runtime's default when omitted. */
  readonly audience?: string;
}

/** The answer to a request: the decision and, when allowed, the grant. */
export interface RequestOutcome {
  readonly allowed: boolean;
  readonly decision: Decision;
  readonly grant: Grant | null;
}

/** How many times a decision is retried when another process recorded a grant on the same resource meanwhile. */
const COMMIT_ATTEMPTS = 20;

/** A handle on a session; its state lives in the store, so every call sees the latest. */
export class Session {
  constructor(
    private readonly context: RuntimeContext,
    readonly id: string,
    readonly principal: EntityRef,
    readonly intent: string,
  ) {}

  /** The session's current state. */
  async state(): Promise<SessionState> {
    const record = await this.context.store.getSession(this.id);
    return record?.state ?? { status: "ended", reason: "unknown session" };
  }

  /** Asks for a grant; never throws (a failure is a deny with its reason). */
  async request(input: RequestInput): Promise<RequestOutcome> {
    try {
      await this.context.ready();
      return await this.decideRequest(input);
    } catch (error) {
      return denied(`the request could not be decided: ${messageOf(error)}`);
    }
  }

  /** Ends the session: later requests are denied and its grants no longer redeem. */
  async end(reason = "ended by the agent"): Promise<void> {
    let ended = false;
    await this.context.store.updateSession(this.id, (record) => {
      ended = record.state.status !== "ended";
      return ended ? { ...record, state: { status: "ended", reason } } : undefined;
    });
    // A review a monitor opened stays pending: the agent ending its own session must not
    // dismiss the human look at what it did (a revocation by the service withdraws it).
    if (ended) await this.context.audit("session_ended", { session: this.id, reason });
  }

  private async decideRequest(input: RequestInput): Promise<RequestOutcome> {
    const { context } = this;
    const stored = await context.store.getSession(this.id);
    if (!stored) return denied(`unknown session \`${this.id}\``);
    const session = context.owedConsequences.size === 0 ? stored : await settleConsequences(context, stored);
    const refusal = stateRefusal(session.state);
    if (refusal !== null) return this.recordDenial(input, denied(refusal));
    return context.gate.shared(async () => {
      const policy = context.policy();
      const json = requestJson(session, input, context.clock.now());
      const parsed = policy.module.requestSchema.safeParse(json, { error: validationMessage });
      if (!parsed.success) return this.recordDenial(input, denied(`invalid request: ${formatIssues(parsed.error.issues)}`));
      const request = parsed.data;
      // An action outside a downgraded session's list is refused, but still decided, so that
      // monitors see the agent trying (DESIGN.md: monitors watch every request).
      const downgrade = downgradeRefusal(session.state, request.action);
      const audience = input.audience ?? context.audience;
      const { decision, grant, signing } = await context.historyLocks.runAll(policy.facts.lockKeys(request), () =>
        this.decideAndRecord(policy, session, request, json, audience, downgrade),
      );
      if (decision.consequences.length > 0) oweConsequences(context, session.id, decision.consequences);
      await context.audit("decision", decisionEntry(session, request, decision, grant?.id ?? null, policy.module.sourceHash));
      if (decision.consequences.length > 0) await settleConsequences(context, session);
      if (!grant || !signing) return { allowed: false, decision, grant: null };
      const changed = await this.changedSince(session, request.action);
      if (changed !== null) {
        // INVARIANT: a monitor changes the session's state before revoking its grants, so a
        // grant committed as one fired is either revoked by it or refused here.
        const by = "runtime: the session changed while deciding";
        const revoked = await context.store.revokeGrant(grant.id, context.clock.now(), by);
        await context.audit("revocation", { grant: grant.id, by, effective: revoked });
        return denied(`${changed} while the request was decided`);
      }
      await context.audit("grant", {
        action: grant.action,
        expiresAt: grant.expiresAt,
        grant: grant.id,
        onBehalfOf: grant.onBehalfOf && { id: grant.onBehalfOf.id, type: grant.onBehalfOf.type },
        principal: { id: grant.principal.id, type: grant.principal.type },
        resource: { id: grant.resource.id, type: grant.resource.type },
        session: grant.session,
      });
      return { allowed: true, decision, grant: await this.signed(grant, signing) };
    });
  }

  /**
   * Reads the facts, decides and, on allow, commits the grant if no grant was recorded on
   * the resource since the facts were read (retrying otherwise). The token is signed while
   * the grant is committed and audited: jose signs on the thread pool, so the two overlap.
   * With a `refusal` (the runtime refuses the request whatever the rules say) it only decides,
   * for the monitors, and denies with that reason first.
   */
  private async decideAndRecord(
    policy: LoadedPolicy,
    session: SessionRecord,
    request: PolicyRequest,
    json: Record<string, unknown>,
    audience: string,
    refusal: string | null,
  ): Promise<{ decision: Decision; grant: GrantRecord | null; signing: Promise<Grant> | null }> {
    const { store } = this.context;
    for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      const prepared = policy.facts.prepare(request);
      let reading = await store.readFacts(prepared.plan);
      // Grants another policy version recorded (mid-deploy) are indexed under this one, and
      // the facts read again, before deciding; one on this resource recorded after the read
      // fails the commit. Grants of this version were indexed by their commits: the reading
      // already counts them.
      for (let round = 0; reading.lastSeq > policy.progress.through; round++) {
        if (round === COMMIT_ATTEMPTS) return { decision: denied("history is recorded faster than it can be indexed; try again").decision, grant: null, signing: null };
        if ((await catchUpIndexes(store, policy.facts, policy.progress)) === 0) break;
        reading = await store.readFacts(prepared.plan);
      }
      const decision = decideSafely(policy, request, policy.facts.factsFrom(prepared, reading, request));
      if (refusal !== null) return { decision: refusedDecision(refusal, decision), grant: null, signing: null };
      if (decision.decision !== "allow") return { decision, grant: null, signing: null };
      const ttlSeconds = decision.grant?.ttl_seconds ?? policy.module.defaultGrantSeconds;
      const grant = newGrantRecord(session, request, ttlSeconds, audience, policy.module.sourceHash);
      // INVARIANT: the token leaves the runtime only once its grant is committed; a token
      // signed for a commit that lost the compare-and-set is dropped unseen.
      const signing = signGrant(this.context, grant);
      signing.catch(() => undefined);
      if (this.context.signer().signSync === undefined) await handOffSigning();
      const committed = await store.commitGrant({
        grant,
        event: { grant: grant.id, at: request.at, event: eventOf(request), request: json },
        index: policy.facts.entriesFor(request),
        scope: prepared.plan.scope,
        expectedVersion: reading.version,
      });
      if (committed.ok) {
        policy.progress.committed(committed.seq);
        return { decision, grant, signing };
      }
    }
    return { decision: denied(`too many concurrent grants on \`${entityKey(request.resource)}\`; try again`).decision, grant: null, signing: null };
  }

  /** Why the session, as stored now, could not be granted `action` though `decided` could, or null. */
  private async changedSince(decided: SessionRecord, action: string): Promise<string | null> {
    const now = await this.context.store.getSession(this.id);
    if (!now) return `session \`${this.id}\` disappeared`;
    if (now.revoked) return "the session was revoked";
    if (now.state === decided.state) return null;
    return stateRefusal(now.state) ?? downgradeRefusal(now.state, action);
  }

  /** The signed grant; a grant whose token could not be signed is revoked at once. */
  private async signed(record: GrantRecord, signing: Promise<Grant>): Promise<Grant> {
    try {
      return await signing;
    } catch (error) {
      const by = "runtime: signing failed";
      const revoked = await this.context.store.revokeGrant(record.id, this.context.clock.now(), by);
      await this.context.audit("revocation", { grant: record.id, by, effective: revoked });
      throw error;
    }
  }

  private async recordDenial(input: RequestInput, outcome: RequestOutcome): Promise<RequestOutcome> {
    await this.context.audit("decision", {
      session: this.id,
      principal: this.principal,
      action: String(input.action),
      resource: { type: String(input.resource?.type), id: String(input.resource?.id) },
      decision: outcome.decision,
    });
    return outcome;
  }
}

/**
 * Lets an asynchronous signature reach the thread pool before the commit runs: jose hands it
 * to WebCrypto only after awaiting its key preparation (two microtask turns in jose 6), and
 * the commit's synchronous work (all of it with SQLite) would otherwise delay that hand-off
 * until it is done, so the signing would overlap nothing. Turns, not a macrotask: they cost
 * nothing measurable and never wait on timers (which a test may have faked).
 */
async function handOffSigning(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await undefined;
}

/** Why a session in `state` cannot be granted anything, or null. */
function stateRefusal(state: SessionState): string | null {
  switch (state.status) {
    case "ended":
      return `session ended: ${state.reason}`;
    case "suspended":
      return `session suspended pending review \`${state.review}\``;
    default:
      return null;
  }
}

/** Why a session in `state` cannot be granted `action` because it was downgraded, or null. */
function downgradeRefusal(state: SessionState, action: string): string | null {
  if (state.status !== "downgraded" || state.actions.includes(action)) return null;
  const allowed = state.actions.map((name) => `\`${name}\``).join(", ") || "no action";
  return `session downgraded: only ${allowed} may be granted`;
}

/** The deny of a request the runtime refuses whatever the rules say, with what the rules decided beside it: the denies and monitors that applied, and their consequences. */
function refusedDecision(reason: string, decided: Decision): Decision {
  const denied = decided.decision === "deny";
  return {
    decision: "deny",
    grant: null,
    rules: denied ? decided.rules : [],
    reasons: [reason, ...(denied ? decided.reasons : [])],
    consequences: decided.consequences,
  };
}

/** A deny that no rule made: a refused state, an invalid request, an error. */
export function denied(reason: string): RequestOutcome {
  return { allowed: false, decision: { decision: "deny", grant: null, rules: [], reasons: [reason], consequences: [] }, grant: null };
}

function decideSafely(policy: LoadedPolicy, request: PolicyRequest, facts: Parameters<LoadedPolicy["module"]["decide"]>[1]): Decision {
  try {
    return policy.module.decide(request, facts);
  } catch (error) {
    return denied(`the policy failed to decide: ${messageOf(error)}`).decision;
  }
}

/** The JSON request of DESIGN.md that the module's schema validates. */
function requestJson(session: SessionRecord, input: RequestInput, now: number): Record<string, unknown> {
  return {
    principal: session.principal,
    action: input.action,
    resource: input.resource,
    intent: session.intent,
    session: session.id,
    at: new Date(now).toISOString(),
    env: input.env ?? {},
    entities: input.entities ?? [],
  };
}

// Keys in sorted order, here and in the grant entry: the audit hash then serializes them natively (see canonicalJson).
function decisionEntry(session: SessionRecord, request: PolicyRequest, decision: Decision, grant: string | null, policy: string) {
  return {
    action: request.action,
    // The decision's own fields, in sorted order.
    decision: {
      consequences: decision.consequences,
      decision: decision.decision,
      grant: decision.grant,
      reasons: decision.reasons,
      rules: decision.rules,
    },
    env: request.env,
    grant,
    intent: session.intent,
    policy,
    principal: { id: request.principal.id, type: request.principal.type },
    resource: { id: request.resource.id, type: request.resource.type },
    session: session.id,
  };
}

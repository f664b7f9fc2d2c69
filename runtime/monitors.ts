/**
 * Monitor consequences: when a monitor fires, the request is denied (the module decides
 * that) and the runtime applies its consequences to the session at once: `revoke` revokes
 * every live grant of the session, `downgrade` narrows the actions it may still be granted,
 * `review` suspends it until a human resolves the review, `alert` is recorded.
 */
import { randomUUID } from "node:crypto";
import type { MonitorConsequence } from "../stdlib/contract.js";
import type { RuntimeContext } from "./context.js";
import type { ResumableState, ReviewRecord, SessionRecord, SessionState } from "./stores/store.js";

/** What applying a decision's consequences did. */
export interface AppliedConsequences {
  readonly session: SessionRecord;
  readonly revokedGrants: readonly string[];
  readonly review: ReviewRecord | null;
}

/** Applies `consequences` to `session` and records each in the audit log. */
export async function applyConsequences(
  context: RuntimeContext,
  session: SessionRecord,
  consequences: readonly MonitorConsequence[],
): Promise<AppliedConsequences> {
  const { store, clock } = context;
  const now = clock.now();
  let state: SessionState = session.state;
  const revokedGrants: string[] = [];
  const reviews: Extract<MonitorConsequence, { type: "review" }>[] = [];
  for (const consequence of consequences) {
    switch (consequence.type) {
      case "revoke": {
        const revoked = await store.revokeSessionGrants(session.id, now, `monitor:${consequence.monitor}`);
        revokedGrants.push(...revoked);
        await context.audit("consequence", { session: session.id, ...consequence, grants: revoked });
        break;
      }
      case "downgrade":
        state = downgraded(state, consequence.actions);
        await context.audit("consequence", { session: session.id, ...consequence });
        break;
      case "review":
        reviews.push(consequence);
        break;
      case "alert":
        await context.audit("consequence", { session: session.id, ...consequence });
        break;
    }
  }
  let review: ReviewRecord | null = null;
  if (reviews.length > 0 && (state.status === "active" || state.status === "downgraded")) {
    review = {
      id: `review_${randomUUID()}`,
      session: session.id,
      principal: session.principalKey,
      monitors: reviews.map((consequence) => consequence.monitor),
      reasons: reviews.map((consequence) => consequence.reason),
      createdAt: now,
      status: "pending",
      resolvedBy: null,
      note: null,
      resolvedAt: null,
    };
    await store.saveReview(review);
    state = { status: "suspended", review: review.id, resume: state };
    await context.audit("consequence", {
      session: session.id,
      type: "review",
      review: review.id,
      monitors: review.monitors,
      reasons: review.reasons,
    });
  }
  const updated: SessionRecord = state === session.state ? session : { ...session, state };
  if (updated !== session) await store.saveSession(updated);
  return { session: updated, revokedGrants, review };
}

/**
 * Records that `consequences` are owed by `session` before anything can fail: if applying
 * them fails (the store is down), the next request or redeem of the session applies them
 * first, and is refused while it cannot. A monitor that fired is never forgotten.
 */
export function oweConsequences(context: RuntimeContext, session: string, consequences: readonly MonitorConsequence[]): void {
  context.owedConsequences.set(session, [...(context.owedConsequences.get(session) ?? []), ...consequences]);
}

/** Applies the consequences `session` owes, if any, and returns the session as it is afterwards; throws while the store fails. */
export async function settleConsequences(context: RuntimeContext, session: SessionRecord): Promise<SessionRecord> {
  const owed = context.owedConsequences.get(session.id);
  if (!owed) return session;
  const applied = await applyConsequences(context, session, owed);
  // INVARIANT: only the consequences applied are cleared; ones owed meanwhile stay owed.
  const now = context.owedConsequences.get(session.id) ?? [];
  if (now.length === owed.length) context.owedConsequences.delete(session.id);
  else context.owedConsequences.set(session.id, now.slice(owed.length));
  return applied.session;
}

/** The state after a downgrade: the allowed actions only ever narrow. */
function downgraded(state: SessionState, actions: readonly string[]): SessionState {
  const narrow = (current: ResumableState): ResumableState =>
    current.status === "downgraded"
      ? { status: "downgraded", actions: current.actions.filter((action) => actions.includes(action)) }
      : { status: "downgraded", actions: [...actions] };
  switch (state.status) {
    case "active":
    case "downgraded":
      return narrow(state);
    case "suspended":
      return { ...state, resume: narrow(state.resume) };
    case "ended":
      return state;
  }
}

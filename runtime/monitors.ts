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
import { withdrawal } from "./reviews.js";

/** What applying a decision's consequences did. */
export interface AppliedConsequences {
  readonly session: SessionRecord;
  readonly revokedGrants: readonly string[];
  readonly review: ReviewRecord | null;
}

/**
 * Applies `consequences` to `session` and records each in the audit log. The session's
 * state changes first, then its grants are revoked: a request of the session that commits a
 * grant concurrently either commits before the revocation (and is revoked with the others)
 * or sees the new state when it checks the session after committing (see `session.ts`).
 */
export async function applyConsequences(
  context: RuntimeContext,
  session: SessionRecord,
  consequences: readonly MonitorConsequence[],
): Promise<AppliedConsequences> {
  const { store, clock } = context;
  const now = clock.now();
  const downgrades = consequences.flatMap((consequence) => (consequence.type === "downgrade" ? [consequence.actions] : []));
  const reviews = consequences.flatMap((consequence) => (consequence.type === "review" ? [consequence] : []));
  // Saved before the session refers to it, so a suspended session's review always exists.
  const review: ReviewRecord | null =
    reviews.length === 0
      ? null
      : {
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
  if (review) await store.saveReview(review);
  let updated = session;
  let suspended = false;
  if (downgrades.length > 0 || review) {
    // Changed from what is stored now, not from `session`, which may be older: a revocation
    // or another monitor may have changed the session since it was read.
    const stored = await store.updateSession(session.id, (current) => {
      let state: SessionState = current.state;
      for (const actions of downgrades) state = downgraded(state, actions);
      suspended = false;
      if (review !== null && (state.status === "active" || state.status === "downgraded")) {
        state = { status: "suspended", review: review.id, resume: state };
        suspended = true;
      }
      return state === current.state ? undefined : { ...current, state };
    });
    updated = stored ?? session;
  }
  if (review && !suspended) {
    // The session ended, or waits on another review, since the monitor fired: nothing to resume.
    const why = updated.state.status === "suspended" ? `it was already suspended pending review \`${updated.state.review}\`` : "it had ended";
    await store.updateReview(review.id, withdrawal(`${why} when the monitor fired`, now));
  }
  const revokedGrants: string[] = [];
  for (const consequence of consequences) {
    switch (consequence.type) {
      case "revoke": {
        const revoked = await store.revokeSessionGrants(session.id, now, `monitor:${consequence.monitor}`);
        revokedGrants.push(...revoked);
        await context.audit("consequence", { session: session.id, ...consequence, grants: revoked });
        break;
      }
      case "downgrade":
      case "alert":
        await context.audit("consequence", { session: session.id, ...consequence });
        break;
      case "review":
        break;
    }
  }
  if (review && suspended) {
    await context.audit("consequence", {
      session: session.id,
      type: "review",
      review: review.id,
      monitors: review.monitors,
      reasons: review.reasons,
    });
  }
  return { session: updated, revokedGrants, review: suspended ? review : null };
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
  if (!context.owedConsequences.has(session.id)) return session;
  // One settlement at a time per session, each taking what is owed when it starts: two
  // requests finding the same consequences owed apply them once.
  return context.sessionLocks.run(session.id, async () => {
    const owed = context.owedConsequences.get(session.id);
    if (!owed) return (await context.store.getSession(session.id)) ?? session;
    const applied = await applyConsequences(context, session, owed);
    // INVARIANT: only the consequences applied are cleared; ones owed meanwhile stay owed.
    const remaining = (context.owedConsequences.get(session.id) ?? []).slice(owed.length);
    if (remaining.length === 0) context.owedConsequences.delete(session.id);
    else context.owedConsequences.set(session.id, remaining);
    return applied.session;
  });
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

/**
 * The review queue: sessions a monitor suspended wait here for a human. Approving resumes
 * the session as it was (downgrades kept); rejecting ends it.
 */
import type { RuntimeContext } from "./context.js";
import { AgpRuntimeError } from "./errors.js";
import type { ReviewRecord, SessionState } from "./stores/store.js";

/** Who resolves a review and why. */
export interface ReviewResolution {
  readonly by: string;
  readonly note?: string;
}

/** `rt.reviews`: the pending reviews and their resolution. */
export interface ReviewQueue {
  /** Reviews waiting for a human, oldest first. */
  pending(): Promise<readonly ReviewRecord[]>;
  get(id: string): Promise<ReviewRecord | undefined>;
  /**
   * Approves (the session resumes) or rejects (the session ends) a pending review; returns
   * the resolved review with the session's state afterwards (a session revoked meanwhile
   * stays ended whatever the verdict).
   */
  resolve(id: string, verdict: "approve" | "reject", resolution: ReviewResolution): Promise<ResolvedReview>;
}

/** A resolved review, with the state its session is in afterwards (undefined for a session the store no longer has). */
export type ResolvedReview = ReviewRecord & { readonly sessionState: SessionState | undefined };

/** Who resolves the reviews the runtime withdraws, as the review and the audit log record it. */
export const RUNTIME_RESOLVER = "agp runtime";

/**
 * Withdraws the pending reviews of `sessions` (rejected by {@link RUNTIME_RESOLVER}, the note
 * saying why): a session that was revoked or ended has nothing left to resume, so no human
 * is asked to approve it. Returns the reviews withdrawn.
 */
export async function withdrawReviews(
  context: Pick<RuntimeContext, "store" | "clock" | "audit">,
  sessions: readonly string[],
  why: string,
): Promise<readonly string[]> {
  const { store, clock } = context;
  const affected = new Set(sessions);
  const withdrawn: string[] = [];
  for (const pending of await store.pendingReviews()) {
    if (!affected.has(pending.session)) continue;
    const withdraw = withdrawal(why, clock.now());
    let changed = false;
    const review = await store.updateReview(pending.id, (current) => {
      const next = withdraw(current);
      changed = next !== undefined;
      return next;
    });
    // Resolved by someone else meanwhile: theirs stands.
    if (!changed) continue;
    withdrawn.push(pending.id);
    await context.audit("review_resolved", { review: pending.id, session: pending.session, verdict: "reject", by: RUNTIME_RESOLVER, note: review?.note ?? null });
  }
  return withdrawn;
}

/** The change that withdraws a review still pending (rejected by {@link RUNTIME_RESOLVER}, the note saying why), for `Store.updateReview`. */
export function withdrawal(why: string, at: number): (current: ReviewRecord) => ReviewRecord | undefined {
  return (current) =>
    current.status === "pending" ? { ...current, status: "rejected", resolvedBy: RUNTIME_RESOLVER, note: `withdrawn: ${why}`, resolvedAt: at } : undefined;
}

/** The review queue over the runtime's store. */
export function reviewQueueOf(context: Pick<RuntimeContext, "store" | "clock" | "ready" | "audit">): ReviewQueue {
  const { store, clock } = context;
  return {
    async pending() {
      await context.ready();
      return [...(await store.pendingReviews())].sort((a, b) => a.createdAt - b.createdAt);
    },
    async get(id) {
      await context.ready();
      return store.getReview(id);
    },
    async resolve(id, verdict, resolution) {
      checkResolution(verdict, resolution);
      await context.ready();
      const now = clock.now();
      // Resolved in one atomic step from pending: of two operators resolving one review at
      // once, one succeeds and the other is told it was already resolved.
      let resolvedNow = false;
      const review = await store.updateReview(id, (current) => {
        resolvedNow = current.status === "pending";
        if (!resolvedNow) return undefined;
        return {
          ...current,
          status: verdict === "approve" ? "approved" : "rejected",
          resolvedBy: resolution.by,
          note: resolution.note ?? null,
          resolvedAt: now,
        };
      });
      if (!review) throw new AgpRuntimeError("unknown_review", `no review \`${id}\``);
      if (!resolvedNow) {
        throw new AgpRuntimeError("review_already_resolved", `review \`${id}\` was already ${review.status} by ${review.resolvedBy ?? "someone"}`);
      }
      // Only a session still suspended by this review changes: one revoked meanwhile stays ended.
      const session = await store.updateSession(review.session, (session) => {
        if (session.state.status !== "suspended" || session.state.review !== id) return undefined;
        const state =
          verdict === "approve"
            ? session.state.resume
            : { status: "ended" as const, reason: `review \`${id}\` rejected by ${resolution.by}` };
        return { ...session, state };
      });
      await context.audit("review_resolved", {
        review: id,
        session: review.session,
        verdict,
        by: resolution.by,
        note: resolution.note ?? null,
      });
      return { ...review, sessionState: session?.state };
    },
  };
}

/** Refuses a verdict or resolution the types forbid (callers' code is not always typed): the review stays pending. */
function checkResolution(verdict: unknown, resolution: unknown): void {
  if (verdict !== "approve" && verdict !== "reject") {
    throw new AgpRuntimeError("invalid_resolution", `a review is resolved with "approve" or "reject", not ${JSON.stringify(verdict) ?? String(verdict)}`);
  }
  const by = (resolution as { by?: unknown } | null | undefined)?.by;
  const note = (resolution as { note?: unknown } | null | undefined)?.note;
  if (typeof by !== "string" || by.trim() === "" || (note !== undefined && typeof note !== "string")) {
    throw new AgpRuntimeError("invalid_resolution", "a resolution names who resolves it: `{ by: \"name\", note?: \"why\" }`");
  }
}

/**
 * The operator's view of a store: what `agp grants|reviews|audit` do, without a policy.
 * Decisions need a policy; listing and revoking grants, resolving reviews and checking the
 * audit log do not, so operators work on a store (a SQLite file a service writes) directly.
 * Revocations and review resolutions go through the same code as the runtime's and write
 * the same audit records.
 */
import type { AuditLog } from "./audit.js";
import { auditLogOf } from "./audit.js";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import type { ReviewQueue } from "./reviews.js";
import { reviewQueueOf } from "./reviews.js";
import type { RevocationResult, RevokeTarget } from "./revocations.js";
import { guardStore } from "./guarded-store.js";
import { revokeTarget } from "./revocations.js";
import type { EntityKey, GrantRecord, SessionRecord, Store } from "./stores/store.js";
import { entityKey } from "./stores/store.js";

/** Whether a grant would redeem now, or the first reason it would not. */
export type GrantStatus = "live" | "expired" | "revoked" | "session revoked" | "session ended" | "session suspended" | "principal revoked";

/** A grant with its status at the time it was listed. */
export interface OperatorGrant extends GrantRecord {
  readonly status: GrantStatus;
}

/** Which grants to list. */
export interface OperatorGrantFilter {
  readonly session?: string;
  readonly principal?: EntityKey;
  /** Only grants that would redeem now (status `live`). */
  readonly live?: boolean;
}

/** What an operator can do on a store. */
export interface OperatorView {
  readonly store: Store;
  /** Grants with their status now, in the order they were issued. */
  grants(filter?: OperatorGrantFilter): Promise<readonly OperatorGrant[]>;
  /** Revokes as `rt.revoke` does, with the same audit record. */
  revoke(target: RevokeTarget, options?: { readonly by?: string }): Promise<RevocationResult>;
  /** The review queue, resolved as `rt.reviews.resolve` does. */
  readonly reviews: ReviewQueue;
  readonly audit: AuditLog;
}

/** Opens the operator's view of `store`; `clock` stamps revocations, resolutions and statuses. */
export function openOperatorView(store: Store, options: { readonly clock?: Clock } = {}): OperatorView {
  const clock = options.clock ?? systemClock;
  // Called through the typed guard, as the runtime calls it: a store failure (a corrupt
  // record, a locked file) is a `store_unavailable` refusal, not an untyped crash.
  const guarded = guardStore(store, null);
  const context = {
    store: guarded,
    clock,
    ready: async () => undefined,
    audit: async (type: Parameters<Store["appendAudit"]>[0]["type"], data: Readonly<Record<string, unknown>>) => {
      await guarded.appendAudit({ at: clock.now(), type, data });
    },
  };
  return {
    store,
    reviews: reviewQueueOf(context),
    audit: auditLogOf(guarded),
    revoke: (target, revokeOptions = {}) => revokeTarget(context, target, revokeOptions.by ?? "operator"),
    async grants(filter = {}) {
      const now = clock.now();
      const grants = await guarded.listGrants({
        ...(filter.session === undefined ? {} : { session: filter.session }),
        ...(filter.principal === undefined ? {} : { principal: filter.principal }),
        ...(filter.live ? { liveAt: now } : {}),
      });
      const sessions = new Map<string, SessionRecord | undefined>();
      const revokedPrincipals = new Map<string, boolean>();
      const described: OperatorGrant[] = [];
      for (const grant of grants) {
        if (!sessions.has(grant.session)) sessions.set(grant.session, await guarded.getSession(grant.session));
        const principal = entityKey(grant.principal);
        if (!revokedPrincipals.has(principal)) revokedPrincipals.set(principal, await guarded.isPrincipalRevoked(principal));
        const status = statusOf(grant, sessions.get(grant.session), revokedPrincipals.get(principal) ?? false, now);
        if (!filter.live || status === "live") described.push({ ...grant, status });
      }
      return described;
    },
  };
}

/** The status of a grant, checked in the order `redeem` checks (expiry first, as the token's). */
function statusOf(grant: GrantRecord, session: SessionRecord | undefined, principalRevoked: boolean, now: number): GrantStatus {
  if (grant.expiresAt <= now) return "expired";
  if (grant.revokedAt !== null) return "revoked";
  if (principalRevoked) return "principal revoked";
  if (!session || session.revoked) return "session revoked";
  if (session.state.status === "ended") return "session ended";
  if (session.state.status === "suspended") return "session suspended";
  return "live";
}

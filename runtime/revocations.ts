/**
 * Revocations: taking back one grant, a whole session, or everything of a principal, with
 * the audit records. Shared by the runtime (`rt.revoke`) and the operator view, so a
 * revocation made from the CLI has exactly the effect of one made by a service.
 */
import type { EntityRef } from "../stdlib/contract.js";
import type { RuntimeContext } from "./context.js";
import { AgpRuntimeError } from "./errors.js";
import type { SessionRecord } from "./stores/store.js";
import { entityKey } from "./stores/store.js";
import { withdrawReviews } from "./reviews.js";

/** What `revoke` takes back: one grant, a whole session, or everything of a principal. */
export type RevokeTarget =
  | { readonly grant: string }
  | { readonly session: string }
  | { readonly principal: EntityRef | string };

/** What a revocation did. */
export interface RevocationResult {
  readonly grants: readonly string[];
  readonly sessions: readonly string[];
}

/** The part of the runtime's context a revocation needs. */
export type RevocationContext = Pick<RuntimeContext, "store" | "clock" | "audit">;

/**
 * Revokes `target` at once: a grant is marked revoked; a session is ended and marked
 * revoked (its grants no longer redeem); a principal is refused from now on and its open
 * sessions end. Throws {@link AgpRuntimeError} `unknown_session` for an unknown session.
 */
export async function revokeTarget(context: RevocationContext, target: RevokeTarget, by: string): Promise<RevocationResult> {
  checkTarget(target);
  const { store, clock, audit } = context;
  const now = clock.now();
  // Changed as stored now, in one step: a monitor or a review resolved meanwhile cannot undo it.
  const endSession = (session: SessionRecord, reason: string, revoked: boolean) =>
    store.updateSession(session.id, (current) => ({ ...current, state: { status: "ended", reason }, revoked: revoked || current.revoked }));
  if ("grant" in target) {
    const revoked = await store.revokeGrant(target.grant, now, by);
    await audit("revocation", { grant: target.grant, by, effective: revoked });
    return { grants: revoked ? [target.grant] : [], sessions: [] };
  }
  if ("session" in target) {
    const session = await store.getSession(target.session);
    if (!session) throw new AgpRuntimeError("unknown_session", `no session \`${target.session}\``);
    await endSession(session, `revoked by ${by}`, true);
    await audit("revocation", { session: session.id, by });
    await withdrawReviews(context, [session.id], `the session was revoked by ${by}`);
    return { grants: [], sessions: [session.id] };
  }
  const principal = typeof target.principal === "string" ? target.principal : entityKey(target.principal);
  await store.revokePrincipal(principal, now, by);
  const sessions = (await store.sessionsOfPrincipal(principal)).filter((session) => session.state.status !== "ended");
  for (const session of sessions) await endSession(session, `principal revoked by ${by}`, false);
  await audit("revocation", { principal, by, sessions: sessions.map((session) => session.id) });
  await withdrawReviews(context, sessions.map((session) => session.id), `the principal was revoked by ${by}`);
  return { grants: [], sessions: sessions.map((session) => session.id) };
}

/**
 * Refuses a target that does not name exactly one grant, session or principal as the types
 * say (it comes from callers' code and from the CLI): a misspelt field must not revoke a
 * principal named `Assistant:undefined` and report success while the real one stays live.
 */
function checkTarget(target: RevokeTarget): void {
  const invalid = (why: string) =>
    new AgpRuntimeError("invalid_target", `a revocation names one grant, session or principal (\`{ grant }\`, \`{ session }\` or \`{ principal }\`): ${why}`);
  if (typeof target !== "object" || target === null || Array.isArray(target)) throw invalid(`got ${target === null ? "null" : typeof target}`);
  const keys = Object.keys(target);
  if (keys.length !== 1 || !["grant", "session", "principal"].includes(keys[0] ?? "")) throw invalid(`got the fields ${keys.map((key) => `\`${key}\``).join(", ") || "none"}`);
  const value: unknown = (target as Record<string, unknown>)[keys[0] ?? ""];
  if ("principal" in target) {
    if (typeof value === "string" ? !isPrincipalKey(value) : !isRef(value)) {
      throw invalid("a principal is `Type:id` or `{ type, id }`: strings, the type not empty");
    }
    return;
  }
  if (typeof value !== "string" || value === "") throw invalid(`the ${keys[0]} id must be a non-empty string`);
}

// An id may be empty (requests accept any string id, so such an agent can hold grants); a type may not.
function isPrincipalKey(text: string): boolean {
  return text.indexOf(":") > 0;
}

function isRef(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { type, id } = value as Record<string, unknown>;
  return typeof type === "string" && type !== "" && typeof id === "string";
}

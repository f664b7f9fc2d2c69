/**
 * Grants: the record of one allowed action on one resource for a short time, the signed
 * token handed to the agent, and `redeem`, which a service calls before acting to check
 * the token offline (signature, times, audience) and online (revocations), then counts
 * the use.
 */
import { randomUUID } from "node:crypto";
import type { EntityRef, PolicyRequest } from "../stdlib/contract.js";
import type { RuntimeContext } from "./context.js";
import type { RedeemFailureReason } from "./errors.js";
import { messageOf } from "./errors.js";
import type { GrantRecord, SessionRecord } from "./stores/store.js";
import { entityKey, storedRefusal, updatedGrant } from "./stores/store.js";
import { settleConsequences } from "./monitors.js";
import { signGrantToken, verifyGrantToken } from "./tokens.js";

/** What an allowed request returns: the token to present and what it is good for. */
export interface Grant {
  readonly id: string;
  /** The signed JWT; present it to the service that performs the action. */
  readonly token: string;
  readonly action: string;
  readonly resource: EntityRef;
  readonly session: string;
  /** ISO-8601 time after which the token is refused. */
  readonly expiresAt: string;
  readonly ttlSeconds: number;
}

/** The record of a grant about to be committed for an allowed request. */
export function newGrantRecord(
  session: SessionRecord,
  request: PolicyRequest,
  ttlSeconds: number,
  audience: string,
  policy: string,
): GrantRecord {
  // JWT times are whole seconds: the stored times are the token's, so both expire together.
  const issuedAt = Math.floor(request.at / 1000) * 1000;
  return {
    id: `grant_${randomUUID()}`,
    session: session.id,
    principal: { type: request.principal.type, id: request.principal.id },
    onBehalfOf: session.onBehalfOf,
    action: request.action,
    resource: { type: request.resource.type, id: request.resource.id },
    audience,
    policy,
    issuedAt,
    expiresAt: issuedAt + ttlSeconds * 1000,
    revokedAt: null,
    revokedBy: null,
    uses: 0,
    lastUsedAt: null,
  };
}

/** Signs the token of a committed grant. */
export async function signGrant(context: RuntimeContext, record: GrantRecord): Promise<Grant> {
  const iat = record.issuedAt / 1000;
  const token = await signGrantToken(context.signer(), {
    iss: context.issuer,
    aud: record.audience,
    sub: entityKey(record.principal),
    // `undefined`, which JSON leaves out, not a spread of `{ obo }`: a spread in a literal
    // costs microseconds per token in Node 20's V8 (a new hidden class every time).
    obo: record.onBehalfOf ? entityKey(record.onBehalfOf) : undefined,
    sid: record.session,
    action: record.action,
    resource: record.resource,
    pol: record.policy,
    iat,
    nbf: iat,
    exp: record.expiresAt / 1000,
    jti: record.id,
  });
  return {
    id: record.id,
    token,
    action: record.action,
    resource: record.resource,
    session: record.session,
    expiresAt: new Date(record.expiresAt).toISOString(),
    ttlSeconds: (record.expiresAt - record.issuedAt) / 1000,
  };
}

/** What the service is about to do with the token. */
export interface RedeemExpectation {
  readonly action: string;
  /** The resource acted on; only its `type` and `id` are compared. */
  readonly resource: EntityRef;
  /** The audience the service answers to; the runtime's default audience when omitted. */
  readonly audience?: string;
}

/** The outcome of a redeem: the grant it used, or why it was refused. */
export type RedeemResult =
  | { readonly ok: true; readonly grant: GrantRecord }
  | { readonly ok: false; readonly reason: RedeemFailureReason; readonly message: string };

/** Verifies a token for one use and records the use; never throws. */
export async function redeemToken(context: RuntimeContext, token: string, expected: RedeemExpectation): Promise<RedeemResult> {
  let grantId: string | null = null;
  const refuse = async (reason: RedeemFailureReason, message: string): Promise<RedeemResult> => {
    try {
      await context.audit("refusal", { grant: grantId, reason, message, action: String(expected?.action), resource: refOf(expected?.resource) });
    } catch {
      // The refusal stands even when it cannot be recorded (the store is down, the expectation hostile).
    }
    return { ok: false, reason, message };
  };
  try {
    await context.ready();
    if (!validExpectation(expected)) {
      return await refuse("invalid_expectation", "the expectation must name an `action` and a `resource` with `type` and `id`");
    }
    const now = context.clock.now();
    const verified = await verifyGrantToken(token, {
      keys: context.verificationKeys(),
      audience: expected.audience ?? context.audience,
      issuer: context.issuer,
      skewSeconds: context.skewSeconds,
      now,
    });
    if (!verified.ok) return await refuse(verified.reason, verified.message);
    const { claims } = verified;
    grantId = claims.jti;
    if (claims.action !== expected.action) {
      return await refuse("wrong_action", `the grant is for \`${claims.action}\`, not \`${expected.action}\``);
    }
    if (claims.resource.type !== expected.resource.type || claims.resource.id !== expected.resource.id) {
      return await refuse("wrong_resource", `the grant is for \`${entityKey(claims.resource)}\`, not \`${entityKey(refOf(expected.resource))}\``);
    }
    let stored = await context.store.redeemContext(claims.jti);
    if (stored.session && context.owedConsequences.has(stored.session.id)) {
      await settleConsequences(context, stored.session);
      stored = await context.store.redeemContext(claims.jti);
    }
    const { grant } = stored;
    if (!grant) return await refuse("unknown_grant", `no grant \`${claims.jti}\``);
    const refusal = storedRefusal(grant, stored);
    if (refusal) return await refuse(refusal.reason, refusal.message);
    // The use is counted only if the grant is still usable: a revocation, review or end of
    // the session that landed since the checks above wins, and is named.
    if (!(await context.store.recordUse(grant.id, now))) {
      const current = await context.store.redeemContext(grant.id);
      const changed = current.grant ? storedRefusal(current.grant, current) : null;
      return changed
        ? await refuse(changed.reason, `${changed.message} while it was redeemed`)
        : await refuse("grant_revoked", `grant \`${grant.id}\` was revoked while it was redeemed`);
    }
    await context.audit("redeem", { grant: grant.id, session: grant.session, action: grant.action, resource: grant.resource });
    return { ok: true, grant: updatedGrant(grant, { uses: grant.uses + 1, lastUsedAt: now }) };
  } catch (error) {
    return refuse("store_unavailable", `the runtime could not check the grant: ${messageOf(error)}`);
  }
}

/** True when a service's expectation has the shape redeem compares (it is untyped at runtime). */
function validExpectation(expected: RedeemExpectation | null | undefined): boolean {
  if (typeof expected !== "object" || expected === null || typeof expected.action !== "string") return false;
  const resource: unknown = expected.resource;
  if (typeof resource !== "object" || resource === null) return false;
  const { type, id } = resource as Record<string, unknown>;
  return typeof type === "string" && typeof id === "string" && (expected.audience === undefined || typeof expected.audience === "string");
}

function refOf(entity: EntityRef | undefined): EntityRef {
  return { type: String(entity?.type), id: String(entity?.id) };
}

/**
 * `createRuntime`: a compiled policy module turned into ephemeral, revocable permissions.
 * The runtime opens sessions, answers requests with signed just-in-time grants, redeems and
 * revokes them, applies monitor consequences, queues reviews and keeps the audit log, all
 * on top of a {@link Store}.
 */
import { randomUUID } from "node:crypto";
import type { JWK } from "jose";
import type { EntityRef, PolicyModule } from "../stdlib/contract.js";
import type { AuditLog } from "./audit.js";
import { auditLogOf } from "./audit.js";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import type { LoadedPolicy, RuntimeContext } from "./context.js";
import { AgpRuntimeError } from "./errors.js";
import { IndexProgress, PolicyFacts, rebuildIndexes } from "./facts.js";
import type { RedeemExpectation, RedeemResult } from "./grants.js";
import { redeemToken } from "./grants.js";
import { guardStore } from "./guarded-store.js";
import { Gate, KeyedMutex } from "./locks.js";
import type { ReviewQueue } from "./reviews.js";
import { reviewQueueOf } from "./reviews.js";
import type { RevocationResult, RevokeTarget } from "./revocations.js";
import { revokeTarget } from "./revocations.js";
import { Session } from "./session.js";
import { memoryStore } from "./stores/memory.js";
import type { GrantFilter, GrantRecord, SessionRecord, Store } from "./stores/store.js";
import { entityKey } from "./stores/store.js";
import type { Signer } from "./tokens.js";
import { generateSigner } from "./tokens.js";
import { validationMessage } from "../stdlib/schemas.js";
import { formatIssues } from "./validation.js";

/** How to build a runtime. Only `policy` is required. */
export interface RuntimeOptions {
  /** The compiled policy module to decide with. */
  readonly policy: PolicyModule;
  /** Where state lives; a fresh {@link memoryStore} by default. */
  readonly store?: Store;
  /** The key that signs grant tokens; a fresh Ed25519 key by default. */
  readonly signer?: Signer | Promise<Signer>;
  /** More public keys `redeem` accepts (e.g. the previous key during a rotation). */
  readonly verificationKeys?: readonly Signer[];
  readonly clock?: Clock;
  /** The `aud` of tokens and the audience `redeem` expects by default (`agp`). */
  readonly defaultAudience?: string;
  /** The `iss` of tokens (`agp`). */
  readonly issuer?: string;
  /** How far token times may be off the clock, in seconds (5). */
  readonly clockSkewSeconds?: number;
  /**
   * How long one store call may take, in real milliseconds (5,000). A call that takes longer
   * fails with `store_unavailable`: the request denies, the redeem refuses, an operator call
   * rejects, instead of waiting on a stalled store forever. `null` sets no bound, for stores
   * that cannot stall (the memory store of a test run); their failures are still typed.
   */
  readonly storeTimeoutMs?: number | null;
}

export type { RevokeTarget, RevocationResult } from "./revocations.js";

/** The default of {@link RuntimeOptions.storeTimeoutMs}. */
export const DEFAULT_STORE_TIMEOUT_MS = 5_000;

/** A running policy: see the module comment and DESIGN.md "Runtime, in one picture". */
export interface Runtime {
  /** The store as given; the runtime itself calls it through a time bound (see {@link RuntimeOptions.storeTimeoutMs}). */
  readonly store: Store;
  readonly clock: Clock;
  /** Resolves when the runtime is ready (key generated, indexes built); rejects if it cannot start now (a later call tries again). */
  ready(): Promise<void>;
  /** The policy currently deciding. */
  policy(): PolicyModule;
  /** Swaps in a new policy version atomically; grants already issued stay valid until they expire or are revoked. */
  load(module: PolicyModule): Promise<void>;
  /** Opens a session; throws {@link AgpRuntimeError} for an unknown intent, an invalid or a revoked principal. */
  openSession(options: { readonly principal: unknown; readonly intent: string }): Promise<Session>;
  /** A handle on an existing session, e.g. one opened by another instance. */
  session(id: string): Promise<Session | undefined>;
  /** Checks a token before acting and records its use; never throws. */
  redeem(token: string, expected: RedeemExpectation): Promise<RedeemResult>;
  /**
   * Takes back grants at once; revoking a principal also ends its sessions and refuses new ones.
   * Rejects with {@link AgpRuntimeError} `store_unavailable` when the store fails: the revocation
   * may then be partial, and must be retried.
   */
  revoke(target: RevokeTarget, options?: { readonly by?: string }): Promise<RevocationResult>;
  /** The public keys tokens are verified with, as a JWKS. */
  jwks(): Promise<{ readonly keys: readonly JWK[] }>;
  /** Grants as recorded (for operators). */
  grants(filter?: GrantFilter): Promise<readonly GrantRecord[]>;
  readonly reviews: ReviewQueue;
  readonly audit: AuditLog;
  close(): Promise<void>;
}

/** Builds a runtime around a compiled policy module; see {@link RuntimeOptions}. */
export function createRuntime(options: RuntimeOptions): Runtime {
  checkModule(options.policy);
  checkOptions(options);
  const given = options.store ?? memoryStore();
  // INVARIANT: the runtime only calls the store through the guard, so that no store failure
  // or stall escapes as an untyped error or an endless wait.
  const store = guardStore(given, options.storeTimeoutMs === undefined ? DEFAULT_STORE_TIMEOUT_MS : options.storeTimeoutMs);
  const clock = options.clock ?? systemClock;
  let current: LoadedPolicy = { module: options.policy, facts: new PolicyFacts(options.policy), progress: new IndexProgress() };
  let signer: Signer | null = null;
  const gate = new Gate();

  const audit: RuntimeContext["audit"] = async (type, data) => {
    await store.appendAudit({ at: clock.now(), type, data });
  };
  const signing = Promise.resolve(options.signer ?? generateSigner());
  signing.catch(() => undefined);
  const start = async () => {
    signer = await signing;
    await gate.exclusive(() => rebuildIndexes(store, current.facts, current.progress));
    await audit("policy_loaded", { policy: current.module.policyName, sourceHash: current.module.sourceHash });
  };
  // A start that failed (the store was down) is retried by the next call that waits for it.
  let starting: Promise<void> | null = null;
  const ready = (): Promise<void> => {
    if (starting) return starting;
    const attempt = start();
    starting = attempt;
    attempt.catch(() => {
      if (starting === attempt) starting = null;
    });
    return attempt;
  };
  void ready();

  const context: RuntimeContext = {
    store,
    clock,
    issuer: options.issuer ?? "agp",
    audience: options.defaultAudience ?? "agp",
    skewSeconds: options.clockSkewSeconds ?? 5,
    // A method, not a getter: an object literal's accessor pair is allocated in V8's old
    // space, and from there it kept the whole runtime (store, history) alive through every
    // young-generation collection until a full one; `agp test` makes a runtime per case.
    ready,
    gate,
    historyLocks: new KeyedMutex(),
    sessionLocks: new KeyedMutex(),
    owedConsequences: new Map(),
    policy: () => current,
    signer: () => {
      if (!signer) throw new Error("the runtime is not ready");
      return signer;
    },
    verificationKeys: () => [...(signer ? [signer] : []), ...(options.verificationKeys ?? [])],
    audit,
  };

  return {
    store: given,
    clock,
    ready,
    policy: () => current.module,
    reviews: reviewQueueOf(context),
    audit: auditLogOf(store),

    async load(module) {
      checkModule(module);
      await ready();
      const facts = new PolicyFacts(module);
      const progress = new IndexProgress();
      await gate.exclusive(async () => {
        await rebuildIndexes(store, facts, progress);
        current = { module, facts, progress };
      });
      await audit("policy_loaded", { policy: module.policyName, sourceHash: module.sourceHash });
    },

    async openSession({ principal, intent }) {
      await ready();
      const { module } = current;
      if (!Object.hasOwn(module.intents, intent)) {
        const declared = Object.keys(module.intents).map((name) => `\`${name}\``).join(", ");
        throw new AgpRuntimeError("unknown_intent", `unknown intent \`${intent}\`; the policy declares ${declared || "no intent"}`);
      }
      const parsed = module.principalSchema.safeParse(principal, { error: validationMessage });
      if (!parsed.success) {
        throw new AgpRuntimeError("invalid_principal", `the principal does not fit the policy: ${formatIssues(parsed.error.issues)}`);
      }
      const ref = { type: parsed.data.type, id: parsed.data.id };
      if (await store.isPrincipalRevoked(entityKey(ref))) {
        throw new AgpRuntimeError("principal_revoked", `principal \`${entityKey(ref)}\` was revoked`);
      }
      const record: SessionRecord = {
        id: `session_${randomUUID()}`,
        // A snapshot of the JSON, as SQLite keeps it: later changes to the caller's object
        // must not change what the session's requests are decided as.
        principal: JSON.parse(JSON.stringify(principal)) as Record<string, unknown>,
        principalKey: entityKey(ref),
        onBehalfOf: refOrNull(parsed.data["onBehalfOf"]),
        intent,
        openedAt: clock.now(),
        state: { status: "active" },
        revoked: false,
      };
      await store.saveSession(record);
      // INVARIANT: a revocation that listed the principal's sessions before this one was saved
      // had already marked the principal revoked, so this second look sees it.
      if (await store.isPrincipalRevoked(record.principalKey)) {
        const reason = "principal revoked while the session opened";
        await store.updateSession(record.id, (current) => ({ ...current, state: { status: "ended", reason } }));
        await audit("session_ended", { session: record.id, reason });
        throw new AgpRuntimeError("principal_revoked", `principal \`${record.principalKey}\` was revoked`);
      }
      await audit("session_opened", { session: record.id, principal: ref, onBehalfOf: record.onBehalfOf, intent });
      return new Session(context, record.id, ref, intent);
    },

    async session(id) {
      await ready();
      const record = await store.getSession(id);
      if (!record) return undefined;
      const [type = "", ...rest] = record.principalKey.split(":");
      return new Session(context, id, { type, id: rest.join(":") }, record.intent);
    },

    redeem: (token, expected) => redeemToken(context, token, expected),

    async revoke(target, revokeOptions = {}) {
      await ready();
      return revokeTarget(context, target, revokeOptions.by ?? "operator");
    },

    async jwks() {
      await ready();
      return { keys: context.verificationKeys().map((key) => key.publicJwk) };
    },

    async grants(filter = {}) {
      await ready();
      return store.listGrants(filter);
    },

    close: () => store.close(),
  };
}

/** Refuses something that is not a compiled policy module (a typed error, not a crash later). */
function checkModule(module: PolicyModule): void {
  const candidate = module as Partial<Record<keyof PolicyModule, unknown>> | null;
  const missing = (["decide", "requestSchema", "principalSchema", "historyQueries", "separations", "intents", "sourceHash"] as const).filter(
    (field) => candidate?.[field] === undefined || candidate[field] === null,
  );
  if (missing.length > 0 || typeof candidate?.decide !== "function") {
    throw new AgpRuntimeError("invalid_policy", `not a compiled agp policy module: missing ${missing.map((field) => `\`${field}\``).join(", ") || "`decide`"}`);
  }
}

/**
 * Refuses options that would silently misbehave: a negative or NaN store timeout times out
 * every call or none, a negative skew shortens every token, an empty audience or issuer
 * makes tokens no verifier can pin.
 */
function checkOptions(options: RuntimeOptions): void {
  const invalid = (name: string, wanted: string, value: unknown) =>
    new AgpRuntimeError("invalid_option", `\`${name}\` must be ${wanted}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`);
  const { storeTimeoutMs, clockSkewSeconds, defaultAudience, issuer } = options;
  if (storeTimeoutMs !== undefined && storeTimeoutMs !== null && !(Number.isFinite(storeTimeoutMs) && storeTimeoutMs > 0)) {
    throw invalid("storeTimeoutMs", "a positive number of milliseconds, or null for no bound", storeTimeoutMs);
  }
  if (clockSkewSeconds !== undefined && !(Number.isFinite(clockSkewSeconds) && clockSkewSeconds >= 0)) {
    throw invalid("clockSkewSeconds", "a number of seconds, 0 or more", clockSkewSeconds);
  }
  for (const [name, value] of [["defaultAudience", defaultAudience], ["issuer", issuer]] as const) {
    if (value !== undefined && !(typeof value === "string" && value.length > 0)) throw invalid(name, "a non-empty string", value);
  }
}

function refOrNull(value: unknown): EntityRef | null {
  if (typeof value !== "object" || value === null) return null;
  const { type, id } = value as Record<string, unknown>;
  return typeof type === "string" && typeof id === "string" ? { type, id } : null;
}

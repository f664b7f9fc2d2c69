/**
 * A scenario: one fresh in-memory runtime with a virtual clock, driven step by step the
 * way a service drives it (open a session, request, redeem, revoke, resolve a review),
 * remembering the current session and the last grant. `agp test` runs each case as a
 * scenario, and `agp/testing` hands scenarios to tests written in TypeScript, so both
 * share one meaning of every step.
 */
// The runtime's own modules, not its index: the index also loads the SQLite store (a native
// module) that a test run never uses.
import { virtualClock, type VirtualClock } from "../runtime/clock.js";
import type { Grant, RedeemResult } from "../runtime/grants.js";
import { openOperatorView, type GrantStatus } from "../runtime/operator.js";
import { createRuntime, type Runtime, type RuntimeOptions } from "../runtime/runtime.js";
import type { RequestOutcome, Session } from "../runtime/session.js";
import { memoryStore } from "../runtime/stores/memory.js";
import type { SessionState, Store } from "../runtime/stores/store.js";
import { generateSigner, type Signer } from "../runtime/tokens.js";
import type { PolicyModule } from "../stdlib/contract.js";
import { explainedDecision, explainRequest } from "./explain.js";
import { EntityCatalog, type EntityJson } from "./requests.js";

/** Where a scenario's virtual clock starts by default: Monday 5 January 2026, 10:00 UTC. */
export const DEFAULT_START = "2026-01-05T10:00:00Z";

/** Options of a {@link Scenario}. */
export interface ScenarioOptions {
  /** Where the virtual clock starts ({@link DEFAULT_START}). */
  readonly start?: string | number | Date;
  /**
   * Entities for the requests: a list is sent whole with every request; a catalog sends
   * each request only the entities reachable from it (what `agp test` does).
   */
  readonly entities?: readonly EntityJson[] | EntityCatalog;
  /** The store of the runtime; a fresh {@link memoryStore} when omitted. */
  readonly store?: Store;
  /** How long a store call may take ({@link RuntimeOptions.storeTimeoutMs}); `agp test` sets none, as its memory store cannot stall. */
  readonly storeTimeoutMs?: number | null;
  /** The key that signs grant tokens; a fresh one when omitted. */
  readonly signer?: Signer | Promise<Signer>;
}

/** The session a scenario is working in. */
interface CurrentSession {
  readonly session: Session;
  readonly principal: EntityJson;
  readonly env: unknown;
}

/** Who revokes and resolves reviews in tests, as the audit log records it. */
const TEST_ACTOR = "agp test";

/** A thrown misuse of a scenario (a step before any session, a redeem without a grant). */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

/** One runtime, one virtual clock, the current session and the last grant. */
export class Scenario {
  /** The virtual clock; `advance` moves it. */
  readonly clock: VirtualClock;
  /** The runtime under test, for anything the steps do not cover. */
  readonly runtime: Runtime;
  private current: CurrentSession | undefined;
  private last: Grant | undefined;
  /** The JSON of every granted request so far, for explanations (the runtime keeps its own facts). */
  private readonly granted: Record<string, unknown>[] = [];
  private readonly entities: readonly EntityJson[] | EntityCatalog;
  /** With a catalog: the entities the principals and resources of granted requests refer to (history events reach them). */
  private readonly historyReferences = new Set<string>();

  constructor(
    private readonly module: PolicyModule,
    options: ScenarioOptions = {},
  ) {
    this.clock = virtualClock(options.start ?? DEFAULT_START);
    this.entities = options.entities ?? [];
    this.runtime = createRuntime({
      policy: module,
      store: options.store ?? memoryStore(),
      clock: this.clock,
      signer: options.signer ?? generateSigner(),
      storeTimeoutMs: options.storeTimeoutMs,
    });
  }

  /** The current session, if one was opened. */
  get session(): Session | undefined {
    return this.current?.session;
  }

  /** The last grant any request of the scenario received. */
  get lastGrant(): Grant | undefined {
    return this.last;
  }

  /** Opens a session for `principal` (agent JSON) with `intent`; `env` is the default env of its requests. Throws when the runtime refuses. */
  async openSession(principal: EntityJson, intent: string, env?: unknown): Promise<Session> {
    const session = await this.runtime.openSession({ principal, intent });
    this.current = { session, principal, env };
    return session;
  }

  /** Requests `action` on `resource` in the current session, at the clock's time; an allow becomes history. */
  async request(action: string, resource: EntityJson, options: { readonly env?: unknown; readonly entities?: readonly EntityJson[] } = {}): Promise<RequestOutcome> {
    const current = this.requireSession("a request");
    const env = options.env ?? current.env ?? {};
    const catalog = this.entities instanceof EntityCatalog ? this.entities : undefined;
    const sent = catalog ? catalog.reachable(this.requestReferences(catalog, current.principal, resource, env)) : (this.entities as readonly EntityJson[]);
    const entities = options.entities ? [...sent, ...options.entities] : sent;
    // The same JSON the runtime validates (same session id and time), kept for explanations.
    const json: Record<string, unknown> = {
      principal: current.principal,
      action,
      resource,
      intent: current.session.intent,
      session: current.session.id,
      at: new Date(this.clock.now()).toISOString(),
      env,
      entities,
    };
    const decided = await current.session.request({ action, resource, env, entities });
    const earlier = this.granted.length;
    const outcome: RequestOutcome = {
      ...decided,
      decision: explainedDecision(decided.decision, () => explainRequest(this.module, json, this.granted.slice(0, earlier), decided.decision)),
    };
    if (outcome.grant) {
      this.last = outcome.grant;
      this.granted.push(json);
      catalog?.referencesFrom(current.principal, this.historyReferences);
      catalog?.referencesFrom(resource, this.historyReferences);
    }
    return outcome;
  }

  /** What a request refers to: its principal's and resource's attributes, its env, and the history's. */
  private requestReferences(catalog: EntityCatalog, principal: EntityJson, resource: EntityJson, env: unknown): Set<string> {
    const found = new Set(this.historyReferences);
    catalog.referencesFrom(principal, found);
    catalog.referencesFrom(resource, found);
    return catalog.referencesIn(env, found);
  }

  /** Moves the virtual clock forward (`"10m"` or milliseconds). */
  advance(duration: string | number): void {
    this.clock.advance(duration);
  }

  /** Redeems the last grant for its own action and resource, as the service would. */
  async redeem(): Promise<RedeemResult> {
    const grant = this.requireGrant("redeem");
    return this.runtime.redeem(grant.token, { action: grant.action, resource: grant.resource });
  }

  /** Revokes the last grant, the current session, or the current session's principal. */
  async revoke(target: "grant" | "session" | "principal"): Promise<void> {
    const by = { by: TEST_ACTOR };
    if (target === "grant") {
      await this.runtime.revoke({ grant: this.requireGrant("revoke").id }, by);
      return;
    }
    const { session } = this.requireSession(`\`revoke ${target}\``);
    await this.runtime.revoke(target === "session" ? { session: session.id } : { principal: session.principal }, by);
  }

  /** The current session's state. */
  async sessionState(): Promise<SessionState> {
    return this.requireSession("a session state").session.state();
  }

  /** The last grant's status as an operator sees it (`live`, `expired`, `revoked`, `session revoked`, ...). */
  async grantStatus(): Promise<GrantStatus> {
    const grant = this.requireGrant("check");
    const view = openOperatorView(this.runtime.store, { clock: this.clock });
    const found = (await view.grants({ session: grant.session })).find((candidate) => candidate.id === grant.id);
    if (!found) throw new ScenarioError(`grant \`${grant.id}\` is not in the store`);
    return found.status;
  }

  /** Resolves the current session's latest pending review; throws when none is pending. */
  async resolveReview(verdict: "approve" | "reject"): Promise<void> {
    const { session } = this.requireSession("resolving a review");
    const review = (await this.runtime.reviews.pending()).filter((pending) => pending.session === session.id).at(-1);
    if (!review) throw new ScenarioError("no review is pending for the current session");
    await this.runtime.reviews.resolve(review.id, verdict, { by: TEST_ACTOR });
  }

  /** Releases the runtime's store. */
  close(): Promise<void> {
    return this.runtime.close();
  }

  private requireSession(what: string): CurrentSession {
    if (!this.current) throw new ScenarioError(`no session: open one (a \`session\` step) before ${what}`);
    return this.current;
  }

  private requireGrant(what: string): Grant {
    if (!this.last) throw new ScenarioError(`no grant to ${what}: no request was allowed yet`);
    return this.last;
  }
}

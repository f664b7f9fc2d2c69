/**
 * The contract between a compiled policy module and whoever runs it (`agp eval`, the
 * runtime, the test harness, a service). Generated modules import these types from
 * `agp/stdlib`; the runtime depends on them and never on the compiler.
 */
import type { z } from "zod";

/** `{ "type": "User", "id": "alice" }`: a reference to an entity. */
export interface EntityRef {
  readonly type: string;
  readonly id: string;
}

/** An entity with its attributes, as validated by a module's schema. */
export interface EntityRecord extends EntityRef {
  readonly [field: string]: unknown;
}

/**
 * The entities a request knows about, by type and id: the `entities` array of the request,
 * its principal and resource, and every entity given inline with its attributes.
 */
export interface EntityLookup {
  get(type: string, id: string): EntityRecord | undefined;
}

/** A validated request, as `requestSchema.parse` returns it. Times are epoch milliseconds. */
export interface PolicyRequest {
  readonly principal: EntityRecord;
  readonly action: string;
  readonly resource: EntityRecord;
  readonly intent: string;
  readonly session: string;
  /** When the request is made, in epoch milliseconds. */
  readonly at: number;
  readonly env: Readonly<Record<string, unknown>>;
  readonly entities: EntityLookup;
}

/** A granted request as history remembers it: what a history query's `event` is. */
export interface HistoryEvent {
  readonly action: string;
  readonly principal: EntityRecord;
  readonly resource: EntityRecord;
  readonly session: string;
  /** The time of the request that was granted, epoch milliseconds. */
  readonly at: number;
}

/** A `count(...)` or `exists(...)` of the policy, exported so runtimes can maintain it. */
export interface HistoryQuery {
  /** Position in the module's `historyQueries`, the argument of {@link Facts.count}. */
  readonly index: number;
  readonly function: "count" | "exists";
  /** Whose events: this session's, this principal's (any session), or this resource's. */
  readonly source: "session" | "principal" | "resource";
  /** Only events in the last `withinMs` milliseconds before the request count; null: all. */
  readonly withinMs: number | null;
  /**
   * The `where` condition, or null when every event of the source counts. It reads the
   * event and, when {@link dependsOnRequest}, the current request too.
   */
  readonly where: ((event: HistoryEvent, request: PolicyRequest) => boolean) | null;
  /** When false, `where` reads only the event, so a runtime may count matches as events arrive. */
  readonly dependsOnRequest: boolean;
  /** The query as written, for explanations. */
  readonly text: string;
}

/** A `separate` rule, exported so runtimes can index grants by separation key. */
export interface SeparationSpec {
  /** Position in the module's `separations`, the argument of {@link Facts.separatedActions}. */
  readonly index: number;
  readonly name: string;
  readonly actions: readonly string[];
  readonly resourceType: string;
  /** The chain's key (e.g. `principal.onBehalfOf`) of a request, as a string. Throws on a missing entity. */
  key(request: PolicyRequest): string;
}

/**
 * What `decide` needs to know about history. A runtime answers from incrementally
 * maintained indexes; `agp eval --history` answers by scanning a list.
 */
export interface Facts {
  /** The number of events matching history query `query` for `request`. */
  count(query: number, request: PolicyRequest): number;
  /**
   * The actions of separation `separation` that chains with key `key` were ever granted on
   * the request's resource (revoked, never-used grants included).
   */
  separatedActions(separation: number, key: string, request: PolicyRequest): readonly string[];
}

/** What a monitor that fired does to the session. */
export type MonitorConsequence =
  | { readonly type: "revoke"; readonly monitor: string }
  | { readonly type: "downgrade"; readonly monitor: string; readonly actions: readonly string[] }
  | { readonly type: "review"; readonly monitor: string; readonly reason: string }
  | { readonly type: "alert"; readonly monitor: string; readonly reason: string };

/**
 * The decision JSON of DESIGN.md. Read-only: `decide` returns the same frozen object for
 * every request that one rule alone decides, so a caller must copy before changing it.
 */
export interface Decision {
  readonly decision: "allow" | "deny";
  readonly grant: { readonly ttl_seconds: number } | null;
  /** The rules that decided: every deny/separation/monitor (and refusing intent) that applied, or every allow that applied. */
  readonly rules: readonly string[];
  readonly reasons: readonly string[];
  readonly consequences: readonly MonitorConsequence[];
}

/** Where a rule is written, for explanations, coverage and tooling. */
export interface SourceLocation {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

/** Metadata of one rule, separation or monitor. */
export interface RuleMetadata {
  readonly name: string;
  readonly kind: "allow" | "deny" | "separate" | "monitor";
  /** The actions it applies to; `*` for every action. */
  readonly actions: readonly string[] | "*";
  readonly resourceType: string | null;
  readonly reason: string | null;
  readonly grantSeconds: number | null;
  readonly location: SourceLocation;
}

/** How one rule fared for one request, for `--explain` and failing test cases. */
export interface RuleTrace {
  readonly rule: string;
  readonly kind: RuleMetadata["kind"] | "intent";
  readonly applied: boolean;
  /** Each condition of the rule (its `and`-ed parts) with its value, or the error it raised. */
  readonly conditions: readonly { readonly text: string; readonly value: boolean | "error" }[];
  readonly error: string | null;
}

/** Everything a compiled policy module exports. */
export interface PolicyModule {
  readonly policyName: string;
  /** `sha256:<hex>` of the policy source the module was compiled from. */
  readonly sourceHash: string;
  /** The grant TTL, in seconds, of an allow rule without `grant`. */
  readonly defaultGrantSeconds: number;
  readonly labels: readonly string[];
  /** Each declared action and the resource types it is declared on. */
  readonly actions: Readonly<Record<string, readonly string[]>>;
  readonly intents: Readonly<
    Record<string, { readonly description: string; readonly actions: readonly string[]; readonly max: string | null }>
  >;
  /** The names of the agent types (the principal types). */
  readonly agentTypes: readonly string[];
  readonly rules: readonly RuleMetadata[];
  readonly historyQueries: readonly HistoryQuery[];
  readonly separations: readonly SeparationSpec[];
  /** Validates a JSON request and turns it into a {@link PolicyRequest}. */
  readonly requestSchema: z.ZodType<PolicyRequest, unknown>;
  /** Validates a principal (an agent record) for opening a session. */
  readonly principalSchema: z.ZodType<EntityRecord, unknown>;
  /** The pure, synchronous decision for a validated request. Never throws. */
  decide(request: PolicyRequest, facts: Facts): Decision;
  /** The decision together with how every rule for the request's action fared. */
  explain(request: PolicyRequest, facts: Facts): { readonly decision: Decision; readonly trace: readonly RuleTrace[] };
}

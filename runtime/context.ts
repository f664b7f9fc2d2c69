/**
 * What the parts of the runtime share: the store, the clock, the keys, the current policy
 * and the locks. Internal; the public API is in `index.ts`.
 */
import type { MonitorConsequence, PolicyModule } from "../stdlib/contract.js";
import type { Clock } from "./clock.js";
import type { IndexProgress, PolicyFacts } from "./facts.js";
import type { Gate, KeyedMutex } from "./locks.js";
import type { AuditDraft, Store } from "./stores/store.js";
import type { Signer } from "./tokens.js";

/** A loaded policy version with its fact indexing. */
export interface LoadedPolicy {
  readonly module: PolicyModule;
  readonly facts: PolicyFacts;
  /** How far this runtime has indexed the recorded events under this version. */
  readonly progress: IndexProgress;
}

/** The runtime's shared state, passed to sessions, grants, monitors and reviews. */
export interface RuntimeContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly issuer: string;
  readonly audience: string;
  readonly skewSeconds: number;
  /** Resolves once the signer exists and the first policy's indexes are built. */
  ready(): Promise<void>;
  readonly gate: Gate;
  /** Held by a request's decide-and-record step: its resource and the history it counts (see `PolicyFacts.lockKeys`). */
  readonly historyLocks: KeyedMutex;
  /** Held while a session's owed monitor consequences are applied. */
  readonly sessionLocks: KeyedMutex;
  /**
   * Monitor consequences decided but not yet applied (the store failed), by session id. A
   * session with owed consequences gets nothing until they are applied (see `monitors.ts`).
   */
  readonly owedConsequences: Map<string, readonly MonitorConsequence[]>;
  policy(): LoadedPolicy;
  signer(): Signer;
  verificationKeys(): readonly Signer[];
  /** Appends an audit entry stamped with the clock's time. */
  audit(type: AuditDraft["type"], data: AuditDraft["data"]): Promise<void>;
}

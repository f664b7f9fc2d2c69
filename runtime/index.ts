/**
 * `agp/runtime`: the public API of the runtime. Everything a service, the CLI or the test
 * harness needs is exported here; other files are internal.
 */
export { createRuntime } from "./runtime.js";
export type { Runtime, RuntimeOptions, RevokeTarget, RevocationResult } from "./runtime.js";
export { Session } from "./session.js";
export type { RequestInput, RequestOutcome } from "./session.js";
export type { Grant, RedeemExpectation, RedeemResult } from "./grants.js";
export type { ResolvedReview, ReviewQueue, ReviewResolution } from "./reviews.js";
export { canonicalJson, chainEntry, chainHash, GENESIS_HASH, verifyAudit } from "./audit.js";
export type { AuditAnchor, AuditLog, AuditVerification, AuditVerifyOptions } from "./audit.js";
export { systemClock, virtualClock, VirtualClock, durationMs } from "./clock.js";
export type { Clock } from "./clock.js";
export { AgpRuntimeError } from "./errors.js";
export type { RedeemFailureReason, RuntimeErrorCode } from "./errors.js";
export { generateSigner, importSigner, GRANT_TOKEN_TYPE } from "./tokens.js";
export type { GrantClaims, Signer, TokenKey } from "./tokens.js";
export { memoryStore, MemoryStore } from "./stores/memory.js";
export { entityKey } from "./stores/store.js";
export type * from "./stores/store.js";
export { sqliteStore, SqliteStore } from "./stores/sqlite.js";
export type { SqliteStoreOptions } from "./stores/sqlite.js";
export { openOperatorView } from "./operator.js";
export type { GrantStatus, OperatorGrant, OperatorGrantFilter, OperatorView } from "./operator.js";

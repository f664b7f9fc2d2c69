/**
 * The store as the runtime calls it: every call bounded in time and every failure typed. A
 * store that throws, rejects or stalls (a lost connection, a locked file, a full disk) turns
 * into an {@link AgpRuntimeError} `store_unavailable` that names the store and the call, so
 * requests deny and redeems refuse with that reason instead of waiting forever, and operator
 * calls reject instead of pretending success. The runtime recovers by itself: each call goes
 * to the store anew.
 */
import { AgpRuntimeError, messageOf } from "./errors.js";
import type { Store } from "./stores/store.js";

/** The store methods the guard wraps: every method of {@link Store} but `kind`. */
export const STORE_METHODS = [
  "saveSession",
  "updateSession",
  "getSession",
  "sessionsOfPrincipal",
  "readFacts",
  "commitGrant",
  "addIndexEntries",
  "readEvents",
  "getGrant",
  "listGrants",
  "revokeGrant",
  "revokeSessionGrants",
  "revokePrincipal",
  "isPrincipalRevoked",
  "redeemContext",
  "recordUse",
  "saveReview",
  "updateReview",
  "getReview",
  "pendingReviews",
  "appendAudit",
  "readAudit",
  "auditTail",
  "auditHead",
  "getMarker",
  "setMarker",
  "close",
] as const satisfies readonly Exclude<keyof Store, "kind">[];

/** The name of a {@link Store} method. */
export type StoreMethod = (typeof STORE_METHODS)[number];

// INVARIANT: a method added to Store must be added to STORE_METHODS, or this fails to compile
// (the guarded store would lack it, and the runtime would call a missing function).
const everyMethodGuarded: [Exclude<keyof Store, "kind" | StoreMethod>] extends [never] ? true : never = true;
void everyMethodGuarded;

interface PendingCall {
  readonly method: StoreMethod;
  /** The watchdog tick the call started in. */
  readonly startedAt: number;
  readonly fail: (error: AgpRuntimeError) => void;
}

/**
 * Wraps `store` so that each call settles within about `timeoutMs` (a stalled call rejects with
 * `store_unavailable`; whatever it does later is ignored) and each failure is typed. With
 * `timeoutMs` null calls are not timed, only their failures typed: for stores that cannot
 * stall, such as the memory store of a test run, where the watchdog's promise, entry and
 * callbacks per call were 10–15% of running the cases. Methods are looked up on `store` at
 * every call, so a store patched after wrapping is honoured.
 */
export function guardStore(store: Store, timeoutMs: number | null): Store {
  return timeoutMs === null ? (new TypedStore(store) as unknown as Store) : timedStore(store, timeoutMs);
}

/** `error` from a call of `method` on a store of `kind`, as the typed error the runtime handles. */
function storeFailure(kind: string, method: StoreMethod, error: unknown): AgpRuntimeError {
  return error instanceof AgpRuntimeError
    ? error
    : new AgpRuntimeError("store_unavailable", `the ${kind} store failed in \`${method}\`: ${messageOf(error)}`);
}

/**
 * Every method of a store, its failures typed. The methods live on the prototype, so that
 * wrapping a store (once per runtime, once per case in `agp test`) makes one object.
 */
class TypedStore {
  constructor(readonly inner: Store) {}

  get kind(): string {
    return this.inner.kind;
  }
}

for (const method of STORE_METHODS) {
  Object.defineProperty(TypedStore.prototype, method, {
    value(this: TypedStore, a: unknown, b: unknown, c: unknown): Promise<unknown> {
      const kind = this.inner.kind;
      try {
        const result = (this.inner[method] as (a: unknown, b: unknown, c: unknown) => Promise<unknown>)(a, b, c);
        return Promise.resolve(result).then(undefined, (error: unknown) => {
          throw storeFailure(kind, method, error);
        });
      } catch (error) {
        return Promise.reject(storeFailure(kind, method, error));
      }
    },
  });
}

/** Every method of `store`, each call settling within about `timeoutMs`, its failures typed. */
function timedStore(store: Store, timeoutMs: number): Store {
  const failure = (method: StoreMethod, error: unknown) => storeFailure(store.kind, method, error);
  const pending = new Set<PendingCall>();
  // One watchdog for all calls in flight instead of a timer per call, counting ticks instead
  // of reading the time: a store call costs a Set insertion (several calls per request).
  let watchdog: ReturnType<typeof setInterval> | null = null;
  const tickMs = Math.max(1, Math.min(250, Math.floor(timeoutMs / 8)));
  const ticksToStall = Math.ceil(timeoutMs / tickMs);
  let ticks = 0;
  const checkStalls = () => {
    ticks++;
    for (const call of pending) {
      // INVARIANT: the Set iterates in insertion order, so the oldest calls come first.
      if (ticks - call.startedAt < ticksToStall) break;
      pending.delete(call);
      call.fail(
        new AgpRuntimeError(
          "store_unavailable",
          `the ${store.kind} store did not answer \`${call.method}\` within ${timeoutMs} ms`,
        ),
      );
    }
    if (pending.size === 0 && watchdog !== null) {
      clearInterval(watchdog);
      watchdog = null;
    }
  };
  // Every store method takes at most three arguments; passing them by name avoids a rest array.
  const call = (method: StoreMethod, a: unknown, b: unknown, c: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (watchdog === null) {
        ticks = 0;
        watchdog = setInterval(checkStalls, tickMs);
        watchdog.unref();
      }
      const entry: PendingCall = { method, startedAt: ticks, fail: reject };
      pending.add(entry);
      try {
        const result = (store[method] as (a: unknown, b: unknown, c: unknown) => Promise<unknown>)(a, b, c);
        Promise.resolve(result).then(
          (value) => {
            // INVARIANT: a call the watchdog already failed is settled; its late outcome is dropped.
            if (pending.delete(entry)) resolve(value);
          },
          (error: unknown) => {
            if (pending.delete(entry)) reject(failure(method, error));
          },
        );
      } catch (error) {
        if (pending.delete(entry)) reject(failure(method, error));
      }
    });

  const guarded: Record<string, unknown> = { kind: store.kind };
  for (const method of STORE_METHODS) guarded[method] = (a: unknown, b: unknown, c: unknown) => call(method, a, b, c);
  return guarded as unknown as Store;
}

/**
 * A real store with faults injected on demand: any method (or all) can throw synchronously,
 * reject, stall forever, or answer late (the write lands after the caller gave up). Used
 * by the fault suite to show that the runtime fails closed and recovers with the store.
 */
import type { Store } from "../../runtime/stores/store.js";

/** How a faulted call misbehaves. */
export type FaultKind = "throw" | "reject" | "stall" | "late";

/** Every kind of fault, for loops. */
export const FAULT_KINDS: readonly FaultKind[] = ["throw", "reject", "stall", "late"];

/** A store whose calls can be made to fail; `heal()` makes them reach the real store again. */
export interface FaultyStore {
  readonly store: Store;
  /** Makes calls to `method` (or every method for `*`) misbehave as `kind`. */
  inject(method: string, kind: FaultKind): void;
  heal(): void;
  /** Methods called while a fault applied to them, since the last `takeFaultedCalls`. */
  takeFaultedCalls(): string[];
  /** Waits until every late call has reached the real store. */
  drain(): Promise<void>;
}

/** Wraps `inner`; `lateMs` is how late a `late` call reaches the real store. */
export function faultyStore(inner: Store, lateMs = 150): FaultyStore {
  let fault: { method: string; kind: FaultKind } | null = null;
  let faulted: string[] = [];
  const late = new Set<Promise<unknown>>();
  const misbehave = (method: string, run: () => Promise<unknown>): Promise<unknown> => {
    if (!fault || (fault.method !== "*" && fault.method !== method)) return run();
    faulted.push(method);
    switch (fault.kind) {
      case "throw":
        throw new Error(`injected fault: ${method} threw`);
      case "reject":
        return Promise.reject(new Error(`injected fault: ${method} rejected`));
      case "stall":
        return new Promise(() => undefined);
      case "late": {
        const landed = new Promise((resolve) => setTimeout(resolve, lateMs)).then(run);
        const settled = landed.catch(() => undefined);
        late.add(settled);
        void settled.then(() => late.delete(settled));
        return landed;
      }
    }
  };
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "constructor") return value;
      return (...args: unknown[]) =>
        misbehave(String(property), () =>
          (value as (...parameters: unknown[]) => Promise<unknown>).apply(target, args),
        );
    },
  });
  return {
    store,
    inject(method, kind) {
      fault = { method, kind };
    },
    heal() {
      fault = null;
    },
    takeFaultedCalls() {
      const calls = faulted;
      faulted = [];
      return calls;
    },
    async drain() {
      while (late.size > 0) await Promise.all([...late]);
    },
  };
}

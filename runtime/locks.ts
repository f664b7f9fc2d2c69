/**
 * In-process concurrency control: mutexes by key (requests that read or write the same
 * history run their decide-and-record step one at a time; changes to one session's state
 * are applied one at a time) and a gate that lets a policy swap wait for the
 * requests in flight and hold new ones back.
 */

/** Runs tasks one at a time per key, in arrival order; tasks with no key in common run concurrently. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.runAll([key], task);
  }

  /**
   * Runs `task` holding every key of `keys` at once. A task takes its place in the queue of
   * every key in one synchronous step, and waits only for tasks that queued before it, so
   * tasks holding overlapping sets of keys never wait for each other in a cycle.
   */
  async runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const held: [string, Promise<void>][] = [];
    const earlier: Promise<void>[] = [];
    for (const key of keys) {
      if (held.some(([heldKey]) => heldKey === key)) continue;
      const previous = this.tails.get(key);
      const tail = previous === undefined ? current : previous.then(() => current);
      if (previous !== undefined) earlier.push(previous);
      this.tails.set(key, tail);
      held.push([key, tail]);
    }
    if (earlier.length > 0) await Promise.all(earlier);
    try {
      return await task();
    } finally {
      release();
      // INVARIANT: the map only holds keys with a task queued or running, so it stays small.
      for (const [key, tail] of held) if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Many shared holders or one exclusive holder; an exclusive request blocks new shared ones. */
export class Gate {
  private sharedHolders = 0;
  private closed: Promise<void> | null = null;
  private drained: (() => void) | null = null;
  private exclusiveTail: Promise<void> = Promise.resolve();

  async shared<T>(task: () => Promise<T>): Promise<T> {
    while (this.closed) await this.closed;
    this.sharedHolders++;
    try {
      return await task();
    } finally {
      this.sharedHolders--;
      if (this.sharedHolders === 0 && this.drained) this.drained();
    }
  }

  async exclusive<T>(task: () => Promise<T>): Promise<T> {
    const previous = this.exclusiveTail;
    let done!: () => void;
    this.exclusiveTail = new Promise<void>((resolve) => (done = resolve));
    await previous;
    let open!: () => void;
    this.closed = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.sharedHolders > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = null;
      return await task();
    } finally {
      this.closed = null;
      open();
      done();
    }
  }
}

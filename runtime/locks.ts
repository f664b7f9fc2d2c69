/**
 * In-process concurrency control: a mutex per key (requests on one resource run their
 * decide-and-record step one at a time) and a gate that lets a policy swap wait for the
 * requests in flight and hold new ones back.
 */

/** Runs tasks one at a time per key, in arrival order; different keys run concurrently. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      // INVARIANT: the map only holds keys with a task queued or running, so it stays small.
      if (this.tails.get(key) === tail) this.tails.delete(key);
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

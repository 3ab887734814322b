/**
 * A counting semaphore whose waiters give up when their signal aborts. For per-run and
 * per-tenant concurrency caps (tool calls, outbound fetches).
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(private readonly limit: number) {}

  /** How many are waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function once a slot is free; rejects with the signal's reason if it aborts first. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
    return this.releaser();
  }

  private releaser() {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      // The slot passes straight to the next waiter; otherwise it is freed.
      if (next) next.resolve();
      else this.active--;
    };
  }
}

/** One semaphore per key (a tenant), dropped when nobody holds or waits for it. */
export class KeyedSemaphore {
  private readonly byKey = new Map<string, { semaphore: Semaphore; users: number }>();

  constructor(private readonly limit: number) {}

  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    let entry = this.byKey.get(key);
    if (!entry) this.byKey.set(key, (entry = { semaphore: new Semaphore(this.limit), users: 0 }));
    entry.users++;
    const done = () => {
      if (--entry.users === 0) this.byKey.delete(key);
    };
    try {
      const release = await entry.semaphore.acquire(signal);
      return () => {
        release();
        done();
      };
    } catch (error) {
      done();
      throw error;
    }
  }
}

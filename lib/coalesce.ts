import { describeError } from "@/lib/log";

/**
 * Group commit for hot writes: callers submit one item each and get its own result, while
 * the items that arrive during the same tick, or while the previous batch is still being
 * written, go to the database together in one statement. An idle server writes each item
 * at once (the first flush only waits for the current I/O phase to end); a busy one writes
 * fewer, larger batches, so the per-statement cost is shared by every request waiting.
 *
 * When a batch fails as a whole, each of its items is retried through `single`, so one
 * bad item (or a transient error such as a deadlock) never fails its neighbours.
 */
export class Coalescer<In, Out> {
  private queue: { item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly options: {
      /** Writes a batch; returns one result per item, in order. */
      batch: (items: In[]) => Promise<Out[]>;
      /** Writes one item on its own (after a failed batch). */
      single: (item: In) => Promise<Out>;
      maxItems?: number;
      /** Approximate size of an item, to keep a batch's parameters bounded. */
      sizeOf?: (item: In) => number;
      maxSize?: number;
    },
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private take() {
    const maxItems = this.options.maxItems ?? 64;
    const maxSize = this.options.maxSize ?? Infinity;
    let size = 0;
    let n = 0;
    while (n < this.queue.length && n < maxItems) {
      size += this.options.sizeOf?.(this.queue[n]!.item) ?? 0;
      if (n > 0 && size > maxSize) break;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const entries = this.take();
        let results: Out[] | null = null;
        try {
          results = await this.options.batch(entries.map((e) => e.item));
          if (results.length !== entries.length)
            throw new Error(`batch returned ${results.length} results for ${entries.length} items`);
        } catch (error) {
          console.warn(
            `[coalesce] a batch of ${entries.length} failed; writing its items one by one: ${describeError(error)}`,
          );
          results = null;
        }
        if (results) {
          entries.forEach((entry, i) => entry.resolve(results[i]!));
          continue;
        }
        // The batch failed as a whole: every item gets its own attempt and its own outcome.
        await Promise.all(entries.map((entry) => this.options.single(entry.item).then(entry.resolve, entry.reject)));
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** One coalescer per database handle (the app's, or each test database). */
export function perDatabase<Db extends object, C>(create: (db: Db) => C): (db: Db) => C {
  const instances = new WeakMap<Db, C>();
  return (db) => {
    let instance = instances.get(db);
    if (!instance) {
      instance = create(db);
      instances.set(db, instance);
    }
    return instance;
  };
}

/**
 * Group commit for both stores: what is accepted in one turn of the event loop is queued and
 * flushed together (one transaction or statement), and each caller's promise settles with its
 * own result once that commit does, so an acknowledgement always follows its commit.
 */

export interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class GroupCommit<T, R> {
  #queue: Pending<T, R>[] = [];
  #scheduled = false;

  /** `flush` takes the queue (all of it, or in chunks) and settles what it takes. */
  constructor(private readonly flush: () => void) {}

  /** Queues `item`; the flush runs once, at the end of this turn of the event loop. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flush();
      });
    });
  }

  /** Up to `max` queued items, oldest first, taken off the queue. */
  take(max = Number.POSITIVE_INFINITY): Pending<T, R>[] {
    return this.#queue.splice(0, max);
  }

  /** How many wait for a flush. */
  get waiting(): number {
    return this.#queue.length;
  }
}

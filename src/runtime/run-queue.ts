/**
 * The run queue: a growable ring buffer of tasks that were woken.
 *
 * Push at the tail, take from the head, both O(1) with no allocation until
 * the ring is full, when it doubles. `takeAt(i)` swaps the i-th queued item
 * to the head first: that is how a seeded runtime picks a random ready task
 * in O(1).
 *
 * @module
 */

/** A FIFO ring buffer; capacity is a power of two so wrapping is a mask. */
export class RunQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;
  private mask: number;
  /** The most items ever queued at once (for `rt.metrics()`). */
  maxSize = 0;

  constructor(capacity = 256) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.items = new Array<T | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
  }

  /** Number of queued items. */
  get size(): number {
    return this.count;
  }

  /** Appends at the tail. */
  push(item: T): void {
    if (this.count > this.mask) this.grow();
    this.items[(this.head + this.count) & this.mask] = item;
    if (++this.count > this.maxSize) this.maxSize = this.count;
  }

  /** Takes the head, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const i = this.head;
    const item = this.items[i];
    this.items[i] = undefined; // let the task be collected once it is done
    this.head = (i + 1) & this.mask;
    this.count--;
    return item;
  }

  /** Takes the item `offset` places from the head (0 ≤ offset < size). */
  takeAt(offset: number): T | undefined {
    if (offset !== 0 && offset < this.count) {
      const a = this.head;
      const b = (this.head + offset) & this.mask;
      const tmp = this.items[a];
      this.items[a] = this.items[b];
      this.items[b] = tmp;
    }
    return this.shift();
  }

  /** The queued items, head first (for diagnostics and shutdown). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(this.head + i) & this.mask];
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  private grow(): void {
    const old = this.items;
    const cap = old.length * 2;
    const items = new Array<T | undefined>(cap).fill(undefined);
    for (let i = 0; i < this.count; i++) items[i] = old[(this.head + i) & this.mask];
    this.items = items;
    this.head = 0;
    this.mask = cap - 1;
  }
}

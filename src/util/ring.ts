/**
 * A growable ring buffer: the executor's run queue and the message queue
 * of every channel.
 *
 * ```text
 *          head            head + size
 *           ▼                  ▼
 *   [ · · · a b c d · · · · · · ]   slots = a power of two; index = position & mask
 * ```
 *
 * Push at the tail and shift from the head are O(1) and allocate nothing;
 * a full ring doubles once (amortised O(1)). `Array.prototype.shift` would
 * move every element on each take; a ring moves none. A bounded channel
 * never holds more than its capacity, so its ring stops growing at the
 * power of two above it, however many messages pass through.
 * `takeAt(i)` swaps the i-th item to the head first: that is how a seeded
 * runtime picks a random ready task in O(1).
 *
 * @module
 */

/** A FIFO ring buffer of slots; the slot count is a power of two so wrapping is a mask. @internal */
export class Ring<T> {
  private slots: (T | undefined)[];
  private head = 0;
  private mask: number;
  /** Number of values held. */
  size = 0;
  /** The most values ever held at once (for `rt.metrics()`). */
  maxSize = 0;

  /** A ring with room for `initial` values (rounded up to a power of two) before it grows. */
  constructor(initial: number) {
    let n = 4;
    while (n < initial) n *= 2;
    this.slots = new Array<T | undefined>(n).fill(undefined);
    this.mask = n - 1;
  }

  /** Appends at the tail, doubling the slots when full. */
  push(value: T): void {
    if (this.size > this.mask) this.grow();
    this.slots[(this.head + this.size) & this.mask] = value;
    if (++this.size > this.maxSize) this.maxSize = this.size;
  }

  /** Takes the head, or undefined when empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const i = this.head;
    const value = this.slots[i];
    this.slots[i] = undefined; // the ring must not keep a taken value (a message, a finished task) alive
    this.head = (i + 1) & this.mask;
    this.size--;
    return value;
  }

  /** Takes the value `offset` places from the head (0 ≤ offset < size). */
  takeAt(offset: number): T | undefined {
    if (offset !== 0 && offset < this.size) {
      const a = this.head;
      const b = (this.head + offset) & this.mask;
      const tmp = this.slots[a];
      this.slots[a] = this.slots[b];
      this.slots[b] = tmp;
    }
    return this.shift();
  }

  /** The values held, head first (for diagnostics and shutdown). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) {
      const value = this.slots[(this.head + i) & this.mask];
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Array<T | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < this.size; i++) slots[i] = old[(this.head + i) & this.mask];
    this.slots = slots;
    this.head = 0;
    this.mask = slots.length - 1;
  }
}

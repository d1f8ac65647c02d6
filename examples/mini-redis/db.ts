/**
 * The key space: strings with optional expiry. Engine-agnostic (the clock
 * is passed in), so the servers it is measured against share it.
 *
 * Expiry is lazy (a read of an expired key finds nothing) plus active: the
 * deadlines sit in a min-heap, and mini-redis's purge task sleeps on the
 * timer wheel until the earliest one ({@link Db.nextDeadline}), then calls
 * {@link Db.purgeExpired}. The heap may hold stale deadlines (the key was
 * overwritten or given another TTL); a purge checks each against the entry.
 *
 * @module
 */

interface Entry {
  value: string;
  /** Clock milliseconds at which the key expires; 0 for never. */
  expiresAt: number;
}

/** `SET` options. */
export interface SetOptions {
  /** Expire after this many milliseconds (EX ×1000, PX). */
  readonly ttlMs?: number;
  /** Only if the key does not exist (NX) / only if it exists (XX). */
  readonly condition?: "NX" | "XX";
}

/** The Redis error for an INCR on a value that is not an integer. */
export class NotAnInteger extends Error {}

export class Db {
  readonly #entries = new Map<string, Entry>();
  /** Min-heap of [deadline, key], by deadline. */
  readonly #heap: [number, string][] = [];
  /** Told when a deadline earlier than every other one is added (the purge task re-arms). */
  onEarlierDeadline: () => void = () => {};

  constructor(private readonly now: () => number) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): string | undefined {
    const e = this.#live(key);
    return e?.value;
  }

  /** Returns false when NX/XX prevented the write. */
  set(key: string, value: string, options?: SetOptions): boolean {
    const condition = options?.condition;
    if (condition !== undefined) {
      const exists = this.#live(key) !== undefined;
      if ((condition === "NX" && exists) || (condition === "XX" && !exists)) return false;
    }
    const ttl = options?.ttlMs;
    const expiresAt = ttl === undefined ? 0 : this.now() + ttl;
    const e = this.#entries.get(key);
    if (e === undefined) this.#entries.set(key, { value, expiresAt });
    else {
      e.value = value;
      e.expiresAt = expiresAt;
    }
    if (expiresAt !== 0) this.#schedule(expiresAt, key);
    return true;
  }

  /** Deletes the keys; returns how many existed. */
  del(keys: readonly string[], from: number, to: number): number {
    let n = 0;
    for (let i = from; i < to; i++) {
      const key = keys[i] ?? "";
      if (this.#live(key) !== undefined) n++;
      this.#entries.delete(key);
    }
    return n;
  }

  /** How many of the keys exist (a key named twice counts twice, as in Redis). */
  exists(keys: readonly string[], from: number, to: number): number {
    let n = 0;
    for (let i = from; i < to; i++) if (this.#live(keys[i] ?? "") !== undefined) n++;
    return n;
  }

  /** INCR: the new value; throws {@link NotAnInteger}. Keeps the TTL, as Redis does. */
  incr(key: string): number {
    const e = this.#live(key);
    if (e === undefined) {
      this.#entries.set(key, { value: "1", expiresAt: 0 });
      return 1;
    }
    const n = Number(e.value);
    if (!/^-?\d+$/.test(e.value) || !Number.isSafeInteger(n + 1)) throw new NotAnInteger();
    e.value = String(n + 1);
    return n + 1;
  }

  /** EXPIRE/PEXPIRE: true when the key exists. A TTL of 0 or less deletes it. */
  expire(key: string, ttlMs: number): boolean {
    const e = this.#live(key);
    if (e === undefined) return false;
    if (ttlMs <= 0) {
      this.#entries.delete(key);
      return true;
    }
    e.expiresAt = this.now() + ttlMs;
    this.#schedule(e.expiresAt, key);
    return true;
  }

  /** TTL in milliseconds: -2 when the key does not exist, -1 when it has no expiry. */
  ttlMs(key: string): number {
    const e = this.#live(key);
    if (e === undefined) return -2;
    if (e.expiresAt === 0) return -1;
    return Math.max(0, e.expiresAt - this.now());
  }

  /** The earliest deadline in the heap (possibly stale), or undefined. */
  nextDeadline(): number | undefined {
    return this.#heap[0]?.[0];
  }

  /** Removes every key whose deadline has passed; returns how many. */
  purgeExpired(): number {
    const now = this.now();
    let n = 0;
    const heap = this.#heap;
    for (let top = heap[0]; top !== undefined && top[0] <= now; top = heap[0]) {
      this.#pop();
      const e = this.#entries.get(top[1]);
      if (e !== undefined && e.expiresAt !== 0 && e.expiresAt <= now) {
        this.#entries.delete(top[1]);
        n++;
      }
    }
    return n;
  }

  #live(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt !== 0 && e.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  #schedule(deadline: number, key: string): void {
    const heap = this.#heap;
    const earliest = heap[0]?.[0];
    heap.push([deadline, key]);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      const c = heap[i];
      if (p === undefined || c === undefined || p[0] <= c[0]) break;
      heap[parent] = c;
      heap[i] = p;
      i = parent;
    }
    if (earliest === undefined || deadline < earliest) this.onEarlierDeadline();
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if ((heap[l]?.[0] ?? Number.POSITIVE_INFINITY) < (heap[m]?.[0] ?? 0)) m = l;
      if ((heap[r]?.[0] ?? Number.POSITIVE_INFINITY) < (heap[m]?.[0] ?? 0)) m = r;
      if (m === i) return;
      const a = heap[i];
      const b = heap[m];
      if (a === undefined || b === undefined) return;
      heap[i] = b;
      heap[m] = a;
      i = m;
    }
  }
}

// Hand-written futures for the composition tests: each records how it was
// polled and dropped, so a test can say "polled once, dropped once".

import { asyncFn, type Context, PENDING, type Poll, sleep, type Waker, yieldNow } from "../../src/index.js";

/**
 * Pending until `open(value)` or `fail(error)`; counts polls and drops, and
 * complains if it is polled after it was dropped or after it finished.
 */
export class Probe<T> {
  polls = 0;
  disposed = 0;
  waker: Waker | undefined = undefined;
  private outcome: { readonly value: T } | { readonly error: unknown } | undefined = undefined;
  private finished = false;

  poll(cx: Context): Poll<T> {
    this.polls++;
    if (this.disposed > 0) throw new Error("probe polled after it was dropped");
    if (this.finished) throw new Error("probe polled after it finished");
    const o = this.outcome;
    if (o === undefined) {
      this.waker = cx.waker;
      return PENDING;
    }
    this.finished = true;
    if ("error" in o) throw o.error;
    return o.value;
  }

  open(value: T): void {
    this.outcome = { value };
    this.waker?.wake();
  }

  fail(error: unknown): void {
    this.outcome = { error };
    this.waker?.wake();
  }

  [Symbol.dispose](): void {
    this.disposed++;
    this.waker = undefined;
  }
}

/** Ready on its `readyAt`-th poll; before that it wakes itself from inside each poll. */
export class SelfWaking<T> {
  polls = 0;
  maxDepth = 0;
  private depth = 0;
  constructor(
    private readonly readyAt: number,
    private readonly value: T,
  ) {}

  poll(cx: Context): Poll<T> {
    this.polls++;
    this.depth++;
    this.maxDepth = Math.max(this.maxDepth, this.depth);
    try {
      if (this.polls >= this.readyAt) return this.value;
      cx.waker.wake();
      return PENDING;
    } finally {
      this.depth--;
    }
  }
}

/** A record of which `finally` blocks ran, by name. */
export class Drops {
  readonly log: string[] = [];
  count(name: string): number {
    return this.log.filter((n) => n === name).length;
  }
}

/** Sleeps `ms`, then returns `value`; records `name` in `drops` when its body is left (finally). */
export const sleepy = asyncFn(function* (drops: Drops, name: string, ms: number, value: number) {
  try {
    yield* sleep(ms);
    return value;
  } finally {
    drops.log.push(name);
  }
});

/** Sleeps `ms`, then throws `error` (typed as returning a number, to mix with {@link sleepy}); records `name` in `drops` when its body is left. */
export const failing = asyncFn(function* (
  drops: Drops,
  name: string,
  ms: number,
  error: unknown,
): Generator<typeof PENDING, number> {
  try {
    yield* sleep(ms);
    throw error;
  } finally {
    drops.log.push(name);
  }
});

/** Yields `times` times, then returns `value`. */
export const yielding = asyncFn(function* (times: number, value: number) {
  for (let i = 0; i < times; i++) yield* yieldNow();
  return value;
});

/**
 * A value that guards something, as a lock guard does: counts its
 * disposals, and notes in `log` (if given) when it was disposed. With
 * `throws`, every disposal throws it after counting.
 */
export class Held {
  disposed = 0;
  constructor(
    readonly name: string,
    private readonly log?: string[],
    private readonly throws?: unknown,
  ) {}

  [Symbol.dispose](): void {
    this.disposed++;
    this.log?.push(this.name);
    if (this.throws !== undefined) throw this.throws;
  }
}

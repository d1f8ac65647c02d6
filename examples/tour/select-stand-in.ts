/**
 * STAND-IN for `select`, until the composition module (`select`, `race`,
 * `join`) is merged: the tour's scene 4 switches to the real `select` then.
 *
 * It has the real one's shape — `yield* selectStandIn(a, b)` yields
 * `{ index, value }` for the first future to be ready and drops the other
 * at once, inside the same poll — without its fairness (it always polls
 * `a` first) or its per-branch wakers (both futures get the task's waker,
 * so a wake polls both).
 *
 * @module
 */

import { awaitable, type Context, type Future, PENDING, type Poll } from "../../src/index.js";

/** The winner: which future was ready first, and its value. */
export type Selected<A, B> = { readonly index: 0; readonly value: A } | { readonly index: 1; readonly value: B };

class SelectStandIn<A, B> implements Future<Selected<A, B>> {
  constructor(
    private a: Future<A> | undefined,
    private b: Future<B> | undefined,
  ) {}

  poll(cx: Context): Poll<Selected<A, B>> {
    const { a, b } = this;
    if (a === undefined || b === undefined) throw new Error("select was polled after it completed");
    const va = a.poll(cx);
    if (va !== PENDING) {
      this.dropBoth();
      return { index: 0, value: va };
    }
    const vb = b.poll(cx);
    if (vb !== PENDING) {
      this.dropBoth();
      return { index: 1, value: vb };
    }
    return PENDING;
  }

  /** Dropping the select drops both futures; so does finishing (the winner is done anyway). */
  [Symbol.dispose](): void {
    this.dropBoth();
  }

  private dropBoth(): void {
    const { a, b } = this;
    this.a = this.b = undefined;
    a?.[Symbol.dispose]?.();
    b?.[Symbol.dispose]?.();
  }
}

/** Waits for the first of `a` and `b`; the other is dropped (a STAND-IN: see the module comment). */
export function selectStandIn<A, B>(a: Future<A>, b: Future<B>) {
  return awaitable(new SelectStandIn(a, b));
}

/**
 * `Barrier`: `n` tasks wait for one another, then all go on together.
 *
 * Each round is a *generation*: the first `n − 1` callers of `wait()` wait;
 * the `n`-th completes the generation, is its leader, and releases them.
 * The barrier is then empty and ready for the next generation.
 *
 * Cancellation differs from tokio on purpose. In tokio a task that arrives
 * and is then cancelled still counts, so the generation can complete with
 * fewer tasks actually there. Here a dropped `wait()` withdraws its arrival:
 * a generation completes only with `n` live waiters, which is what a
 * barrier is for (all parties present before any goes on).
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { checkCount } from "../util/check.js";
import { storeWaker, WaitList, type WaitNode } from "../util/list.js";

/**
 * What `Barrier.wait()` yields: whether this task was the generation's
 * leader (exactly one per generation: the one whose arrival completed it).
 *
 * @example
 * ```ts
 * import { Barrier, Runtime, future } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   const { isLeader } = yield* new Barrier(1).wait();
 *   console.log(isLeader); // true: alone, it completes the generation
 * }));
 * ```
 */
export interface BarrierWaitResult {
  /** True for exactly one task per generation. */
  readonly isLeader: boolean;
}

// Two shared results: waiting allocates nothing but the future.
const LEADER: BarrierWaitResult = Object.freeze({ isLeader: true });
const FOLLOWER: BarrierWaitResult = Object.freeze({ isLeader: false });

/** Made, not yet arrived. */
const INIT = 0;
/** Arrived, waiting for the generation to complete. */
const WAITING = 1;
/** Released, completed or dropped. */
const DONE = 2;

/** The future `Barrier.wait()` returns; its own node in the barrier's queue. */
class BarrierWait extends Awaitable<BarrierWaitResult> implements WaitNode<BarrierWait> {
  waker: Waker | undefined = undefined;
  prevNode: BarrierWait | undefined = undefined;
  nextNode: BarrierWait | undefined = undefined;
  linked = false;
  state = INIT;
  /** The generation it arrived in. */
  generation = 0;

  constructor(private readonly barrier: Barrier) {
    super();
  }

  poll(cx: Context): Poll<BarrierWaitResult> {
    const barrier = this.barrier;
    switch (this.state) {
      case INIT:
        if (barrier.arrived + 1 === barrier.parties) {
          // The last to arrive: ready without waiting, so it spends budget
          // (and does not arrive yet if the budget is spent).
          if (!pollProceed(cx)) return PENDING;
          this.state = DONE;
          this.generation = barrier.generation;
          barrier.arrived = 0;
          barrier.generation++;
          barrier.waiters.wakeAll();
          return LEADER;
        }
        barrier.arrived++;
        this.generation = barrier.generation;
        this.state = WAITING;
        storeWaker(this, cx);
        barrier.waiters.push(this);
        return PENDING;
      case WAITING:
        if (barrier.generation === this.generation) {
          storeWaker(this, cx);
          return PENDING;
        }
        if (!pollProceed(cx)) return PENDING;
        this.state = DONE;
        return FOLLOWER;
      default:
        throw new Error("Barrier.wait() was polled after it completed: a future is awaited once");
    }
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "Barrier.wait";
  }

  /** Drop: a waiter whose generation is not complete withdraws its arrival. Idempotent. */
  override [Symbol.dispose](): void {
    const barrier = this.barrier;
    if (this.state === WAITING && barrier.generation === this.generation) {
      barrier.waiters.remove(this);
      barrier.arrived--;
    }
    this.state = DONE;
    this.waker = undefined;
  }
}

/**
 * Makes `n` tasks wait for one another (tokio's `sync::Barrier`): each
 * calls `wait()`; the first `n − 1` wait, the `n`-th releases them all and
 * is the generation's leader. Reusable: the next `n` calls form the next
 * generation.
 *
 * @example
 * ```ts
 * import { Barrier, Runtime, asyncFn, future, spawn } from "mini-tokio";
 * const barrier = new Barrier(3);
 * const worker = asyncFn(function* (i: number) {
 *   // … phase one …
 *   const { isLeader } = yield* barrier.wait();
 *   if (isLeader) console.log("everyone finished phase one");
 *   // … phase two …
 *   return i;
 * });
 * new Runtime().blockOn(future(function* () {
 *   const hs = [0, 1, 2].map((i) => spawn(worker(i)));
 *   for (const h of hs) yield* h;
 * }));
 * ```
 */
export class Barrier {
  /** How many tasks make a generation. */
  readonly parties: number;
  /** @internal Waiters in the current generation. */
  arrived = 0;
  /** @internal Completed generations. */
  generation = 0;
  /** @internal The current generation's waiters. */
  readonly waiters = new WaitList<BarrierWait>();

  /**
   * A barrier for `n` tasks, `n` an integer ≥ 1 (tokio treats 0 as 1; we
   * refuse it).
   *
   * @throws RangeError when `n` is not an integer ≥ 1.
   */
  constructor(n: number) {
    this.parties = checkCount("new Barrier(n)", "n", n, 1, Number.MAX_SAFE_INTEGER);
  }

  /**
   * Waits until `n` tasks are waiting, then yields whether this one is the
   * generation's leader (the `n`-th to arrive, which does not wait).
   *
   * **Cancel safety:** dropping the future while it waits withdraws its
   * arrival: the generation then needs one more task, and the others keep
   * waiting (unlike tokio, where a dropped waiter still counts). Dropped
   * after its generation completed but before it was polled, it has been
   * counted in that generation; only its `{ isLeader: false }` is lost.
   *
   * @example
   * ```ts
   * import { Barrier, Runtime, future } from "mini-tokio";
   * const barrier = new Barrier(1);
   * new Runtime().blockOn(future(function* () {
   *   yield* barrier.wait(); // generation 1
   *   yield* barrier.wait(); // generation 2: reusable
   * }));
   * ```
   */
  wait(): Awaitable<BarrierWaitResult> {
    return new BarrierWait(this);
  }
}

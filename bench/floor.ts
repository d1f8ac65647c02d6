/**
 * The floor: the least work any executor of lazy, poll-based futures can do.
 *
 * What it measures: the same three things as every other contender (spawn
 * + join, one yield, a parked task's heap) on a hand-written executor with
 * nothing in it but the model itself: a task is a future plus a "queued"
 * flag, the run queue is a ring buffer, and waking a task pushes it. The
 * futures are hand-written leaves (classes with `poll`), not generators,
 * so no `yield*` delegation, no generator frame, no join-handle protocol,
 * no cancellation, no budget, no tracing, no error handling.
 *
 * Why it is fair: it is not a runtime anyone should use, it is the cost of
 * the bare mechanism on this machine, printed beside mini-tokio so the
 * distance between "what we pay" and "what the model costs" is visible.
 * No runtime that keeps the model can beat it.
 *
 * The executor is exported for the sync benchmarks' floor
 * (`bench/contenders/sync/floor.ts`), which adds a minimal channel, oneshot
 * and lock on top of it.
 *
 * @module
 */

import type { Parking } from "./heap.js";

/** "Not ready yet": the floor's own Poll, as small as mini-tokio's. */
export const PENDING: unique symbol = Symbol("floor.PENDING");
export type Poll<T> = T | typeof PENDING;

/** A leaf future: polled with the task that owns it, which is its waker. */
export interface Leaf<T> {
  poll(task: Task<unknown>): Poll<T>;
}

/** A task: its future, its result once ready, and who waits for it. */
export class Task<T> {
  future: Leaf<T> | undefined;
  result: Poll<T> = PENDING;
  queued = false;
  joiner: Task<unknown> | undefined = undefined;

  constructor(future: Leaf<T>) {
    this.future = future;
  }

  /** The waker: queue the task once, unless it is done. */
  wake(): void {
    if (this.queued || this.future === undefined) return;
    this.queued = true;
    runQueue.push(this);
  }

  /** Poll once; on ready, store the result and wake the joiner. */
  run(): void {
    const future = this.future;
    if (future === undefined) return;
    const out = future.poll(this);
    if (out === PENDING) return;
    this.result = out;
    this.future = undefined;
    const joiner = this.joiner;
    if (joiner !== undefined) {
      this.joiner = undefined;
      joiner.wake();
    }
  }
}

/** The run queue: a ring buffer that doubles when full. */
export class RingQueue {
  private items: (Task<unknown> | undefined)[] = new Array<Task<unknown> | undefined>(1024).fill(undefined);
  private head = 0;
  private count = 0;
  private mask = 1023;

  push(task: Task<unknown>): void {
    if (this.count > this.mask) this.grow();
    this.items[(this.head + this.count) & this.mask] = task;
    this.count++;
  }

  shift(): Task<unknown> | undefined {
    if (this.count === 0) return undefined;
    const task = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return task;
  }

  private grow(): void {
    const old = this.items;
    const items = new Array<Task<unknown> | undefined>(old.length * 2).fill(undefined);
    for (let i = 0; i < this.count; i++) items[i] = old[(this.head + i) & this.mask];
    this.items = items;
    this.head = 0;
    this.mask = items.length - 1;
  }
}

const runQueue = new RingQueue();

/** Spawn: make the task and queue it. */
export function spawn<T>(future: Leaf<T>): Task<T> {
  const task = new Task(future);
  task.wake();
  return task;
}

/** Polls queued tasks until none is left. */
function runUntilIdle(): void {
  for (let task = runQueue.shift(); task !== undefined; task = runQueue.shift()) {
    task.queued = false;
    task.run();
  }
}

/** Runs `future` as a task, polling every queued task until it is ready. */
export function blockOn<T>(future: Leaf<T>): T {
  const root = spawn(future);
  runUntilIdle();
  const out = root.result;
  if (out === PENDING) throw new Error("floor: the root task stalled");
  return out;
}

// --- spawn + join --------------------------------------------------------

/** A trivial task: ready with its value on the first poll. */
class Ready<T> implements Leaf<T> {
  constructor(private readonly value: T) {}
  poll(): T {
    return this.value;
  }
}

/** Spawns `n` trivial tasks, then joins them in order, summing their values. */
class SpawnJoin implements Leaf<number> {
  private handles: Task<number>[] | undefined = undefined;
  private next = 0;
  private sum = 0;

  constructor(private readonly n: number) {}

  poll(task: Task<unknown>): Poll<number> {
    let handles = this.handles;
    if (handles === undefined) {
      handles = this.handles = new Array<Task<number>>(this.n);
      for (let i = 0; i < this.n; i++) handles[i] = spawn(new Ready(i));
    }
    for (let h = handles[this.next]; h !== undefined; h = handles[++this.next]) {
      const out = h.result;
      if (out === PENDING) {
        h.joiner = task; // woken when h completes
        return PENDING;
      }
      this.sum += out;
    }
    return this.sum;
  }
}

/** Spawn + join of `n` trivial tasks; returns the sum of 0..n-1. */
export function spawnJoin(n: number): number {
  return blockOn(new SpawnJoin(n));
}

// --- yield -----------------------------------------------------------------

/** Yields `n` times: each time it wakes itself and returns PENDING. */
class YieldLoop implements Leaf<number> {
  private left: number;
  constructor(private readonly n: number) {
    this.left = n;
  }
  poll(task: Task<unknown>): Poll<number> {
    if (this.left === 0) return this.n;
    this.left--;
    task.wake(); // back of the queue, like yieldNow
    return PENDING;
  }
}

/** `n` yields in one task; returns `n`. */
export function yields(n: number): number {
  return blockOn(new YieldLoop(n));
}

// --- parked ----------------------------------------------------------------

let parkedPolls = 0;

/** Parks forever: keeps the waker where a wake would come from, never wakes it. */
class Parked implements Leaf<never> {
  waker: Task<unknown> | undefined = undefined;
  poll(task: Task<unknown>): Poll<never> {
    parkedPolls++;
    this.waker = task;
    return PENDING;
  }
}

/** Spawns `n` tasks that each park on their first poll, and polls them all once. */
export function park(n: number): Parking {
  parkedPolls = 0;
  const tasks = new Array<Task<never>>(n);
  for (let i = 0; i < n; i++) tasks[i] = spawn<never>(new Parked());
  runUntilIdle();
  return { keep: tasks, polled: parkedPolls, release: () => {} };
}

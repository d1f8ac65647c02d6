/**
 * The floor of the sync tables: the least work any channel or lock in the
 * poll model can do.
 *
 * It runs on the floor executor of `bench/floor.ts` (a ring-buffer run
 * queue, a task is a future plus a "queued" flag) and adds the smallest
 * primitives that keep the model: a oneshot is one slot and one waiting
 * task; a channel is a ring buffer with one waiting receiver and a ring of
 * waiting senders; a lock is an owner and a ring of waiting tasks. The
 * tasks are hand-written state machines polled directly, with no `yield*`,
 * no generator, no budget, no cancellation, no closing, no error handling.
 *
 * Why it is fair: it is not a library anyone should use; it is the cost of
 * the bare mechanism on this machine, printed beside mini-tokio so the
 * distance between what we pay and what the model costs is visible.
 *
 * @module
 */

import { blockOn, type Leaf, PENDING, type Poll, RingQueue, spawn, type Task } from "../../floor.js";

// --- the primitives ------------------------------------------------------------

/** A oneshot: a slot and the task waiting on it. */
class Oneshot<T> {
  private value: T | undefined = undefined;
  private waiter: Task<unknown> | undefined = undefined;

  send(value: T): void {
    this.value = value;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter.wake();
    }
  }

  poll(task: Task<unknown>): Poll<T> {
    const value = this.value;
    if (value !== undefined) return value;
    this.waiter = task;
    return PENDING;
  }
}

/** A bounded channel: a ring buffer, one waiting receiver, a ring of waiting senders. */
class Channel<T> {
  private readonly items: (T | undefined)[];
  private readonly mask: number;
  private head = 0;
  private count = 0;
  private receiver: Task<unknown> | undefined = undefined;
  private readonly senders = new RingQueue();

  constructor(private readonly capacity: number) {
    let size = 1;
    while (size < capacity) size *= 2;
    this.items = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  /** Appends `value`, or queues `task` to be woken when there is room and says false. */
  trySend(value: T, task: Task<unknown>): boolean {
    if (this.count === this.capacity) {
      this.senders.push(task);
      return false;
    }
    this.items[(this.head + this.count) & this.mask] = value;
    this.count++;
    const receiver = this.receiver;
    if (receiver !== undefined) {
      this.receiver = undefined;
      receiver.wake();
    }
    return true;
  }

  /** Takes the oldest value, or keeps `task` to be woken when one arrives. */
  recv(task: Task<unknown>): Poll<T> {
    if (this.count === 0) {
      this.receiver = task;
      return PENDING;
    }
    const value = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.senders.shift()?.wake();
    if (value === undefined) throw new Error("floor channel: an undefined value was sent");
    return value;
  }
}

/** A FIFO lock: who holds it, and who waits; unlock hands it to the first waiter. */
class Lock {
  owner: Task<unknown> | undefined = undefined;
  private readonly waiters = new RingQueue();

  /** True when `task` holds the lock now; otherwise it is queued (once) and woken when it is handed the lock. */
  lock(task: Task<unknown>, queued: boolean): boolean {
    if (this.owner === undefined) this.owner = task;
    if (this.owner === task) return true;
    if (!queued) this.waiters.push(task);
    return false;
  }

  unlock(): void {
    const next = this.waiters.shift();
    this.owner = next;
    next?.wake();
  }
}

// --- oneshot round trip ----------------------------------------------------------

/** A oneshot whose value is the oneshot of the reply. */
interface Hop extends Oneshot<Hop> {}

/** `n` times: make a oneshot, send it over `to`, wait for the reply on it. */
class Initiator implements Leaf<number> {
  private back: Hop | undefined = undefined;
  private trips = 0;

  constructor(
    private to: Hop,
    private readonly n: number,
  ) {}

  poll(task: Task<unknown>): Poll<number> {
    for (;;) {
      const back = this.back;
      if (back !== undefined) {
        const to = back.poll(task);
        if (to === PENDING) return PENDING;
        this.to = to;
        this.back = undefined;
        this.trips++;
      }
      if (this.trips === this.n) return this.trips;
      const next: Hop = new Oneshot<Hop>();
      this.back = next;
      this.to.send(next);
    }
  }
}

/** `n` times: wait for a oneshot on `mine`, make one and send it back. */
class Echo implements Leaf<number> {
  private trips = 0;

  constructor(
    private mine: Hop,
    private readonly n: number,
  ) {}

  poll(task: Task<unknown>): Poll<number> {
    while (this.trips < this.n) {
      const to = this.mine.poll(task);
      if (to === PENDING) return PENDING;
      const next: Hop = new Oneshot<Hop>();
      this.mine = next;
      to.send(next);
      this.trips++;
    }
    return this.trips;
  }
}

/** Spawns the echo, then runs the initiator in place; checks both sides agree. */
class OneshotRoundTrips implements Leaf<number> {
  private readonly first: Hop = new Oneshot<Hop>();
  private echo: Task<number> | undefined = undefined;
  private readonly initiator: Initiator;

  constructor(private readonly n: number) {
    this.initiator = new Initiator(this.first, n);
  }

  poll(task: Task<unknown>): Poll<number> {
    this.echo ??= spawn(new Echo(this.first, this.n));
    const trips = this.initiator.poll(task);
    if (trips === PENDING) return PENDING;
    if (this.echo.result !== trips) throw new Error("floor oneshot: the two sides disagree");
    return trips;
  }
}

/** `n` round trips through fresh oneshots; returns `n`. */
export function oneshotRoundTrips(n: number): number {
  return blockOn(new OneshotRoundTrips(n));
}

// --- mpsc round trip ---------------------------------------------------------------

/** Sends 0..n-1 on `ping`, each time waiting for the echo on `pong`; returns their sum. */
class Pinger implements Leaf<number> {
  private i = 0;
  private sent = false;
  private sum = 0;
  private echo: Task<void> | undefined = undefined;

  constructor(
    private readonly ping: Channel<number>,
    private readonly pong: Channel<number>,
    private readonly n: number,
  ) {}

  poll(task: Task<unknown>): Poll<number> {
    this.echo ??= spawn(new Ponger(this.ping, this.pong, this.n));
    while (this.i < this.n) {
      if (!this.sent) {
        if (!this.ping.trySend(this.i, task)) return PENDING;
        this.sent = true;
      }
      const v = this.pong.recv(task);
      if (v === PENDING) return PENDING;
      this.sum += v;
      this.sent = false;
      this.i++;
    }
    return this.sum;
  }
}

/** Receives `n` values on `ping` and sends each back on `pong`. */
class Ponger implements Leaf<void> {
  private i = 0;
  private held: number | undefined = undefined;

  constructor(
    private readonly ping: Channel<number>,
    private readonly pong: Channel<number>,
    private readonly n: number,
  ) {}

  poll(task: Task<unknown>): Poll<void> {
    while (this.i < this.n) {
      if (this.held === undefined) {
        const v = this.ping.recv(task);
        if (v === PENDING) return PENDING;
        this.held = v;
      }
      if (!this.pong.trySend(this.held, task)) return PENDING;
      this.held = undefined;
      this.i++;
    }
  }
}

/** `n` round trips between two tasks over two channels of capacity 1; returns the sum of 0..n-1. */
export function mpscRoundTrips(n: number): number {
  return blockOn(new Pinger(new Channel(1), new Channel(1), n));
}

// --- throughput ----------------------------------------------------------------------

/** Sends `from`..`to`-1. */
class Producer implements Leaf<void> {
  constructor(
    private readonly channel: Channel<number>,
    private from: number,
    private readonly to: number,
  ) {}

  poll(task: Task<unknown>): Poll<void> {
    while (this.from < this.to) {
      if (!this.channel.trySend(this.from, task)) return PENDING;
      this.from++;
    }
  }
}

/** Spawns the producers on its first poll, then receives `n` values and sums them. */
class Consumer implements Leaf<number> {
  private started = false;
  private received = 0;
  private sum = 0;

  constructor(
    private readonly channel: Channel<number>,
    private readonly n: number,
    private readonly producers: number,
  ) {}

  poll(task: Task<unknown>): Poll<number> {
    if (!this.started) {
      this.started = true;
      const each = Math.ceil(this.n / this.producers);
      for (let p = 0; p < this.producers; p++) {
        spawn(new Producer(this.channel, p * each, Math.min(this.n, (p + 1) * each)));
      }
    }
    while (this.received < this.n) {
      const v = this.channel.recv(task);
      if (v === PENDING) return PENDING;
      this.sum += v;
      this.received++;
    }
    return this.sum;
  }
}

/** `n` messages from `producers` tasks to one through a channel of `capacity`; returns the sum of 0..n-1. */
export function throughput(n: number, producers: number, capacity: number): number {
  return blockOn(new Consumer(new Channel(capacity), n, producers));
}

// --- mutex ---------------------------------------------------------------------------

interface Counter {
  count: number;
}

/** `times` times: lock; read the counter; yield; write it back plus one; unlock. */
class Locker implements Leaf<void> {
  private done = 0;
  private queued = false;
  private seen: number | undefined = undefined;

  constructor(
    private readonly lock: Lock,
    private readonly counter: Counter,
    private readonly times: number,
  ) {}

  poll(task: Task<unknown>): Poll<void> {
    while (this.done < this.times) {
      if (this.seen === undefined) {
        if (!this.lock.lock(task, this.queued)) {
          this.queued = true;
          return PENDING;
        }
        this.queued = false;
        this.seen = this.counter.count;
        task.wake(); // the yield inside the critical section
        return PENDING;
      }
      this.counter.count = this.seen + 1;
      this.seen = undefined;
      this.lock.unlock();
      this.done++;
    }
  }
}

/** Spawns the lockers and waits for the last; returns the counter. */
class MutexContended implements Leaf<number> {
  private lockers: Task<void>[] | undefined = undefined;
  private readonly counter: Counter = { count: 0 };

  constructor(
    private readonly n: number,
    private readonly tasks: number,
  ) {}

  poll(task: Task<unknown>): Poll<number> {
    if (this.lockers === undefined) {
      const lock = new Lock();
      this.lockers = [];
      for (let t = 0; t < this.tasks; t++)
        this.lockers.push(spawn(new Locker(lock, this.counter, this.n / this.tasks)));
    }
    for (const locker of this.lockers) {
      if (locker.result === PENDING) {
        locker.joiner = task;
        return PENDING;
      }
    }
    return this.counter.count;
  }
}

/** `tasks` tasks share one lock for `n` lock/unlock pairs in all; returns the counter. */
export function mutexContended(n: number, tasks: number): number {
  return blockOn(new MutexContended(n, tasks));
}

// --- semaphore -----------------------------------------------------------------------

/** `n` take/give-back pairs on a permit count nobody else touches. */
class SemaphorePairs implements Leaf<number> {
  private permits = 1;

  constructor(private readonly n: number) {}

  poll(): Poll<number> {
    let pairs = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.permits === 0) throw new Error("floor semaphore: no permit");
      this.permits--;
      pairs++;
      this.permits++;
    }
    return pairs;
  }
}

/** `n` acquire/release pairs, uncontended; returns `n`. */
export function semaphoreUncontended(n: number): number {
  return blockOn(new SemaphorePairs(n));
}

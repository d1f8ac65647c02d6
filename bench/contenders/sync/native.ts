/**
 * The Promise equivalents of the sync primitives: the baseline of the sync
 * tables (their "native" rows).
 *
 * JavaScript has no channel or lock, so people write one, and the idiom is
 * always the same: a queue of pending resolvers. Whoever has to wait pushes
 * a `resolve` into an array and awaits its promise; whoever makes progress
 * possible shifts the first resolver out and calls it. Written here the way
 * a careful author writes it, not a strawman: a value is handed straight to
 * a waiting receiver (no wake-up to re-check), and an operation that need
 * not wait returns one shared, already-resolved promise, so awaiting it
 * costs one microtask turn and allocates nothing.
 *
 * - oneshot: `new Promise((resolve) => …)`; the resolver is the sender, the
 *   promise the receiver (`Promise.withResolvers`, which Node 20 lacks).
 * - {@link PromiseChannel}: a bounded channel, an array buffer plus a queue
 *   of resolvers on each side (several receivers may wait: the work-queue
 *   row), with no close: a sentinel ends the work queue.
 * - {@link PromiseSemaphore}, {@link PromiseMutex}: a count plus a queue of
 *   resolvers; release hands the permit straight to the first waiter (FIFO,
 *   as our Mutex and Semaphore are).
 *
 * Each benchmark below uses them from async functions, the shape users
 * write, and returns the checksum the other contenders compute.
 *
 * @module
 */

// --- the primitives ------------------------------------------------------------

/** What an operation that did not have to wait returns: awaiting it is one microtask turn. */
const DONE: Promise<void> = Promise.resolve();

/** A bounded channel: a buffer of at most `capacity` values and the resolvers of whoever waits. */
export class PromiseChannel<T> {
  private readonly buffer: T[] = [];
  /** Receivers waiting for a value, resolved with it. */
  private readonly receivers: ((value: T) => void)[] = [];
  /** Senders waiting for room: each puts its value in the buffer, then resolves its promise. */
  private readonly senders: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /** Hands `value` to a waiting receiver, or buffers it, or waits for room. */
  send(value: T): Promise<void> {
    const receiver = this.receivers.shift();
    if (receiver !== undefined) {
      receiver(value);
      return DONE;
    }
    if (this.buffer.length < this.capacity) {
      this.buffer.push(value);
      return DONE;
    }
    return new Promise<void>((resolve) => {
      this.senders.push(() => {
        this.buffer.push(value);
        resolve();
      });
    });
  }

  /** Takes the oldest value (letting the first waiting sender in), or waits for one. */
  recv(): Promise<T> {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift();
      if (value === undefined) throw new Error("PromiseChannel: an undefined value was sent");
      this.senders.shift()?.();
      return Promise.resolve(value);
    }
    return new Promise<T>((resolve) => this.receivers.push(resolve));
  }
}

/** A counting semaphore whose release hands the permit to the first waiter. */
export class PromiseSemaphore {
  private readonly waiters: (() => void)[] = [];

  constructor(private permits: number) {}

  /** Takes a permit, or waits in line for one. */
  acquire(): Promise<void> {
    if (this.permits > 0 && this.waiters.length === 0) {
      this.permits--;
      return DONE;
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Gives the permit to the first waiter, or back to the count. */
  release(): void {
    const next = this.waiters.shift();
    if (next === undefined) this.permits++;
    else next();
  }
}

/** A mutex: a semaphore of one permit, guarding a value. */
export class PromiseMutex<T> {
  private readonly permit = new PromiseSemaphore(1);

  constructor(public value: T) {}

  /** Waits for the lock. */
  lock(): Promise<void> {
    return this.permit.acquire();
  }

  /** Releases it to the next waiter. */
  unlock(): void {
    this.permit.release();
  }
}

// --- oneshot round trip ----------------------------------------------------------

/** A oneshot's sender; its value is the sender of the reply (each hop makes a fresh oneshot). */
type Hop = (reply: Hop) => void;

/** A oneshot: the resolver sends, the promise receives (`Promise.withResolvers`, which Node 20 lacks). */
function oneshot(): [Hop, Promise<Hop>] {
  let send: Hop | undefined;
  const receive = new Promise<Hop>((resolve) => {
    send = resolve;
  });
  if (send === undefined) throw new Error("unreachable: a promise's executor runs at once");
  return [send, receive];
}

/** The initiator: `n` times, make a oneshot, send its sender over `to`, await the reply on it. */
async function initiator(to: Hop, n: number): Promise<number> {
  let trips = 0;
  for (let i = 0; i < n; i++) {
    const [reply, back] = oneshot();
    to(reply);
    to = await back;
    trips++;
  }
  return trips;
}

/** The echo: `n` times, await a sender on `mine`, make a oneshot and send its sender back. */
async function echo(mine: Promise<Hop>, n: number): Promise<number> {
  let trips = 0;
  for (let i = 0; i < n; i++) {
    const to = await mine;
    const [reply, next] = oneshot();
    mine = next;
    to(reply);
    trips++;
  }
  return trips;
}

/**
 * `n` round trips through fresh oneshots between two async functions: each
 * hop makes a oneshot, sends its sender to the other side over the oneshot
 * the other side sent, and awaits it. Resolves to `n`.
 */
export async function oneshotRoundTrips(n: number): Promise<number> {
  const [first, mine] = oneshot();
  const echoing = echo(mine, n);
  const trips = await initiator(first, n);
  if ((await echoing) !== trips) throw new Error("native oneshot: the two sides disagree on the round trips");
  return trips;
}

// --- mpsc round trip ---------------------------------------------------------------

async function pinger(ping: PromiseChannel<number>, pong: PromiseChannel<number>, n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    await ping.send(i);
    sum += await pong.recv();
  }
  return sum;
}

async function ponger(ping: PromiseChannel<number>, pong: PromiseChannel<number>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await pong.send(await ping.recv());
}

/** `n` round trips between two async functions over two channels of capacity 1; resolves to the sum of 0..n-1. */
export async function mpscRoundTrips(n: number): Promise<number> {
  const ping = new PromiseChannel<number>(1);
  const pong = new PromiseChannel<number>(1);
  const echo = ponger(ping, pong, n);
  const sum = await pinger(ping, pong, n);
  await echo;
  return sum;
}

// --- throughput ----------------------------------------------------------------------

async function producer(ch: PromiseChannel<number>, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await ch.send(i);
}

async function consumer(ch: PromiseChannel<number>, n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await ch.recv();
  return sum;
}

/** `n` messages from `producers` async functions to one through a channel of `capacity`; resolves to the sum of 0..n-1. */
export async function throughput(n: number, producers: number, capacity: number): Promise<number> {
  const ch = new PromiseChannel<number>(capacity);
  const each = Math.ceil(n / producers);
  const sending: Promise<void>[] = [];
  for (let p = 0; p < producers; p++) sending.push(producer(ch, p * each, Math.min(n, (p + 1) * each)));
  const sum = await consumer(ch, n);
  await Promise.all(sending);
  return sum;
}

// --- work queue ------------------------------------------------------------------------

/** Marks the end of the work: one per worker, after the values (the channel has no close). */
const NO_MORE = -1;

async function worker(ch: PromiseChannel<number>): Promise<number> {
  let sum = 0;
  for (let v = await ch.recv(); v !== NO_MORE; v = await ch.recv()) sum += v;
  return sum;
}

/** One async function sends 0..n-1 through a channel of `capacity`; `workers` async functions share them; resolves to the sum. */
export async function workQueue(n: number, workers: number, capacity: number): Promise<number> {
  const ch = new PromiseChannel<number>(capacity);
  const working: Promise<number>[] = [];
  for (let w = 0; w < workers; w++) working.push(worker(ch));
  for (let i = 0; i < n; i++) await ch.send(i);
  for (let w = 0; w < workers; w++) await ch.send(NO_MORE);
  let sum = 0;
  for (const part of await Promise.all(working)) sum += part;
  return sum;
}

// --- mutex ---------------------------------------------------------------------------

/** Locks `times` times; inside, reads the counter, yields, writes it back plus one. */
async function locker(mutex: PromiseMutex<{ count: number }>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await mutex.lock();
    const seen = mutex.value.count;
    await Promise.resolve();
    mutex.value.count = seen + 1;
    mutex.unlock();
  }
}

/** `tasks` async functions share one mutex for `n` lock/unlock pairs in all; resolves to the counter (n if no increment was lost). */
export async function mutexContended(n: number, tasks: number): Promise<number> {
  const mutex = new PromiseMutex({ count: 0 });
  const each = n / tasks;
  const lockers: Promise<void>[] = [];
  for (let t = 0; t < tasks; t++) lockers.push(locker(mutex, each));
  await Promise.all(lockers);
  return mutex.value.count;
}

// --- semaphore -----------------------------------------------------------------------

/** `n` acquire/release pairs on a semaphore nobody else uses; resolves to `n`. */
export async function semaphoreUncontended(n: number): Promise<number> {
  const semaphore = new PromiseSemaphore(1);
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    await semaphore.acquire();
    pairs++;
    semaphore.release();
  }
  return pairs;
}

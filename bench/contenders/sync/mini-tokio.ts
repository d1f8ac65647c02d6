/**
 * mini-tokio's sync primitives, written the two ways users write them.
 *
 * What it measures, the same work as every contender of the sync tables:
 * - generator tasks: hoisted `asyncFn`s awaiting with `yield*`
 *   (`yield* rx`, `yield* tx.send(v)`, `yield* rx.recv()`,
 *   `yield* mutex.lock()`, `yield* semaphore.acquire()`), the shape the
 *   docs recommend.
 * - hand-written futures: small classes with `poll(cx)`, the shape a
 *   library author writes, polling the same primitives one level down: a
 *   oneshot receiver is a future and is polled as one; a channel is
 *   received from with `rx.pollNext(cx)` (the stream view: no future per
 *   message) and sent to with `tx.trySend(v)`, falling back to polling a
 *   `tx.send(v)` future only when the channel is full; `lock()` and
 *   `acquire()` futures are made and polled in place.
 *
 * Why it is fair: the bodies run through the public API only, with the same
 * checksums every contender computes, on one `Runtime` reused like the host
 * event loop, driven by `rt.blockOn` (synchronously, as `Effect.runSync`
 * and the floor are; native pays its event-loop turn instead). The mutex
 * guard and the permit are released with `release()`, as the Promise
 * equivalents are: Node 20 has no `using`, and TypeScript's down-levelled
 * form adds a disposal stack and a try/catch/finally per block, which is
 * TypeScript's cost, not the lock's. The mutex table shows it on a row of
 * its own (`using guard = yield* mutex.lock()`).
 *
 * @module
 */

import {
  asyncFn,
  type Context,
  type Future,
  type JoinHandle,
  Mutex,
  type MutexGuard,
  mpmc,
  mpsc,
  type OneshotReceiver,
  type OneshotSender,
  oneshot,
  PENDING,
  type Poll,
  Runtime,
  Semaphore,
  type SemaphorePermit,
  spawn,
  yieldNow,
} from "../../../src/index.js";

/** One runtime for every batch, reused like the host event loop is. */
const rt = new Runtime();

// --- oneshot round trip ----------------------------------------------------------

/** A oneshot sender whose value is the sender of the reply. */
interface Hop extends OneshotSender<Hop> {}

/** The echo side: `n` times, await a sender on `mine`, make a oneshot and send its sender back. */
const echo = asyncFn(function* (mine: OneshotReceiver<Hop>, n: number) {
  let trips = 0;
  for (let i = 0; i < n; i++) {
    const to = yield* mine;
    const [reply, next] = oneshot<Hop>();
    mine = next;
    to.send(reply);
    trips++;
  }
  return trips;
});

/** The initiator side, in the root task: `n` times, make a oneshot, send its sender, await the reply. */
const oneshotProgram = asyncFn(function* (n: number) {
  let [to, mine] = oneshot<Hop>();
  const echoing = spawn(echo(mine, n));
  let trips = 0;
  for (let i = 0; i < n; i++) {
    const [reply, back] = oneshot<Hop>();
    to.send(reply);
    to = yield* back;
    trips++;
  }
  if ((yield* echoing) !== trips) throw new Error("mini-tokio oneshot: the two sides disagree");
  return trips;
});

/** `n` round trips through a fresh oneshot per hop, generator tasks; returns `n`. */
export function oneshotRoundTrips(n: number): number {
  return rt.blockOn(oneshotProgram(n));
}

/** The echo side as a hand-written future. */
class EchoByHand implements Future<number> {
  private trips = 0;

  constructor(
    private mine: OneshotReceiver<Hop>,
    private readonly n: number,
  ) {}

  poll(cx: Context): Poll<number> {
    while (this.trips < this.n) {
      const to = this.mine.poll(cx);
      if (to === PENDING) return PENDING;
      const [reply, next] = oneshot<Hop>();
      this.mine = next;
      to.send(reply);
      this.trips++;
    }
    return this.trips;
  }
}

/** The initiator side as a hand-written future; it spawns the echo on its first poll and joins it at the end. */
class OneshotRoundTripsByHand implements Future<number> {
  private to: Hop;
  private readonly first: OneshotReceiver<Hop>;
  private back: OneshotReceiver<Hop> | undefined = undefined;
  private echo: JoinHandle<number> | undefined = undefined;
  private trips = 0;

  constructor(private readonly n: number) {
    [this.to, this.first] = oneshot<Hop>();
  }

  poll(cx: Context): Poll<number> {
    this.echo ??= spawn(new EchoByHand(this.first, this.n));
    for (;;) {
      const back = this.back;
      if (back !== undefined) {
        const to = back.poll(cx);
        if (to === PENDING) return PENDING;
        this.to = to;
        this.back = undefined;
        this.trips++;
      }
      if (this.trips === this.n) break;
      const [reply, next] = oneshot<Hop>();
      this.back = next;
      this.to.send(reply);
    }
    const echoed = this.echo.poll(cx);
    if (echoed === PENDING) return PENDING;
    if (echoed !== this.trips) throw new Error("mini-tokio oneshot: the two sides disagree");
    return this.trips;
  }
}

/** `n` round trips through a fresh oneshot per hop, hand-written futures; returns `n`. */
export function oneshotRoundTripsByHand(n: number): number {
  return rt.blockOn(new OneshotRoundTripsByHand(n));
}

// --- mpsc: sending and receiving by hand ------------------------------------------------

/** The next message, which must be there: nobody closes these channels early. */
function present(value: number | undefined): number {
  if (value === undefined) throw new Error("mini-tokio mpsc: the channel closed early");
  return value;
}

/**
 * Sends one value from a hand-written future: `trySend` when there is room
 * (no allocation), otherwise a `send` future kept and polled until it is
 * done. Returns false while it is pending.
 */
class SendByHand {
  private sending: Future<void> | undefined = undefined;

  constructor(private readonly tx: mpsc.Sender<number>) {}

  poll(value: number, cx: Context): boolean {
    let sending = this.sending;
    if (sending === undefined) {
      if (this.tx.trySend(value)) return true;
      sending = this.sending = this.tx.send(value);
    }
    if (sending.poll(cx) === PENDING) return false;
    this.sending = undefined;
    return true;
  }
}

// --- mpsc round trip ---------------------------------------------------------------

const ponger = asyncFn(function* (ping: mpsc.Receiver<number>, pong: mpsc.Sender<number>, n: number) {
  for (let i = 0; i < n; i++) yield* pong.send(present(yield* ping.recv()));
});

const mpscProgram = asyncFn(function* (n: number) {
  const [pingTx, pingRx] = mpsc.channel<number>(1);
  const [pongTx, pongRx] = mpsc.channel<number>(1);
  const echoing = spawn(ponger(pingRx, pongTx, n));
  let sum = 0;
  for (let i = 0; i < n; i++) {
    yield* pingTx.send(i);
    sum += present(yield* pongRx.recv());
  }
  yield* echoing;
  return sum;
});

/** `n` round trips between two generator tasks over two channels of capacity 1; returns the sum of 0..n-1. */
export function mpscRoundTrips(n: number): number {
  return rt.blockOn(mpscProgram(n));
}

/** The echo side as a hand-written future: receive on `ping`, send it back on `pong`. */
class PongerByHand implements Future<void> {
  private i = 0;
  private held: number | undefined = undefined;
  private readonly sender: SendByHand;

  constructor(
    private readonly ping: mpsc.Receiver<number>,
    pong: mpsc.Sender<number>,
    private readonly n: number,
  ) {
    this.sender = new SendByHand(pong);
  }

  poll(cx: Context): Poll<void> {
    while (this.i < this.n) {
      let held = this.held;
      if (held === undefined) {
        const v = this.ping.pollNext(cx);
        if (v === PENDING) return PENDING;
        held = this.held = present(v);
      }
      if (!this.sender.poll(held, cx)) return PENDING;
      this.held = undefined;
      this.i++;
    }
  }
}

/** The initiator side as a hand-written future; it spawns the echo on its first poll and joins it at the end. */
class PingerByHand implements Future<number> {
  private i = 0;
  private sent = false;
  private sum = 0;
  private readonly sender: SendByHand;
  private readonly pong: mpsc.Receiver<number>;
  private readonly pingRx: mpsc.Receiver<number>;
  private readonly pongTx: mpsc.Sender<number>;
  private echo: JoinHandle<void> | undefined = undefined;

  constructor(private readonly n: number) {
    const [pingTx, pingRx] = mpsc.channel<number>(1);
    const [pongTx, pongRx] = mpsc.channel<number>(1);
    this.sender = new SendByHand(pingTx);
    this.pong = pongRx;
    this.pingRx = pingRx;
    this.pongTx = pongTx;
  }

  poll(cx: Context): Poll<number> {
    this.echo ??= spawn(new PongerByHand(this.pingRx, this.pongTx, this.n));
    while (this.i < this.n) {
      if (!this.sent) {
        if (!this.sender.poll(this.i, cx)) return PENDING;
        this.sent = true;
      }
      const v = this.pong.pollNext(cx);
      if (v === PENDING) return PENDING;
      this.sum += present(v);
      this.sent = false;
      this.i++;
    }
    return this.echo.poll(cx) === PENDING ? PENDING : this.sum;
  }
}

/** `n` round trips between two hand-written futures over two channels of capacity 1; returns the sum of 0..n-1. */
export function mpscRoundTripsByHand(n: number): number {
  return rt.blockOn(new PingerByHand(n));
}

// --- throughput ----------------------------------------------------------------------

const producer = asyncFn(function* (tx: mpsc.Sender<number>, from: number, to: number) {
  for (let i = from; i < to; i++) yield* tx.send(i);
  tx[Symbol.dispose]();
});

const throughputProgram = asyncFn(function* (n: number, producers: number, capacity: number) {
  const [tx, rx] = mpsc.channel<number>(capacity);
  const each = Math.ceil(n / producers);
  const handles: JoinHandle<void>[] = [];
  for (let p = 0; p < producers; p++) handles.push(spawn(producer(tx.clone(), p * each, Math.min(n, (p + 1) * each))));
  tx[Symbol.dispose]();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += present(yield* rx.recv());
  for (const h of handles) yield* h;
  return sum;
});

/** `n` messages from `producers` generator tasks to one through a channel of `capacity`; returns the sum of 0..n-1. */
export function throughput(n: number, producers: number, capacity: number): number {
  return rt.blockOn(throughputProgram(n, producers, capacity));
}

/** A producer as a hand-written future: sends `from`..`to`-1, then drops its sender. */
class ProducerByHand implements Future<void> {
  private readonly sender: SendByHand;

  constructor(
    private readonly tx: mpsc.Sender<number>,
    private from: number,
    private readonly to: number,
  ) {
    this.sender = new SendByHand(tx);
  }

  poll(cx: Context): Poll<void> {
    while (this.from < this.to) {
      if (!this.sender.poll(this.from, cx)) return PENDING;
      this.from++;
    }
    this.tx[Symbol.dispose]();
  }
}

/** The consumer as a hand-written future: spawns the producers on its first poll, receives `n` values with `pollNext`, joins the producers. */
class ConsumerByHand implements Future<number> {
  private readonly tx: mpsc.Sender<number>;
  private readonly rx: mpsc.Receiver<number>;
  private handles: JoinHandle<void>[] | undefined = undefined;
  private received = 0;
  private sum = 0;

  constructor(
    private readonly n: number,
    private readonly producers: number,
    capacity: number,
  ) {
    [this.tx, this.rx] = mpsc.channel<number>(capacity);
  }

  poll(cx: Context): Poll<number> {
    let handles = this.handles;
    if (handles === undefined) {
      handles = this.handles = [];
      const each = Math.ceil(this.n / this.producers);
      for (let p = 0; p < this.producers; p++) {
        handles.push(spawn(new ProducerByHand(this.tx.clone(), p * each, Math.min(this.n, (p + 1) * each))));
      }
      this.tx[Symbol.dispose]();
    }
    while (this.received < this.n) {
      const v = this.rx.pollNext(cx);
      if (v === PENDING) return PENDING;
      this.sum += present(v);
      this.received++;
    }
    for (const h of handles) if (h.poll(cx) === PENDING) return PENDING;
    return this.sum;
  }
}

/** `n` messages from `producers` hand-written futures to one through a channel of `capacity`; returns the sum of 0..n-1. */
export function throughputByHand(n: number, producers: number, capacity: number): number {
  return rt.blockOn(new ConsumerByHand(n, producers, capacity));
}

// --- work queue (mpmc) -------------------------------------------------------------

/** Takes values until the channel is closed and drained; returns their sum. */
const worker = asyncFn(function* (rx: mpmc.Receiver<number>) {
  let sum = 0;
  for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) sum += v;
  return sum;
});

const workQueueProgram = asyncFn(function* (n: number, workers: number, capacity: number) {
  const [tx, rx] = mpmc.channel<number>(capacity);
  const handles: JoinHandle<number>[] = [];
  for (let w = 0; w < workers; w++) handles.push(spawn(worker(rx.clone())));
  rx[Symbol.dispose]();
  for (let i = 0; i < n; i++) yield* tx.send(i);
  tx[Symbol.dispose](); // closed: each worker stops once the queue is drained
  let sum = 0;
  for (const h of handles) sum += yield* h;
  return sum;
});

/** One task sends 0..n-1 into an mpmc channel of `capacity`; `workers` tasks share them; returns the sum. */
export function workQueue(n: number, workers: number, capacity: number): number {
  return rt.blockOn(workQueueProgram(n, workers, capacity));
}

// --- mutex ---------------------------------------------------------------------------

/** Locks `times` times; inside, reads the counter, yields, writes it back plus one. */
const locker = asyncFn(function* (mutex: Mutex<number>, times: number) {
  for (let i = 0; i < times; i++) {
    const guard = yield* mutex.lock();
    const seen = guard.value;
    yield* yieldNow();
    guard.value = seen + 1;
    guard.release();
  }
});

/**
 * The same with the guard held by `using`, as the docs show it. On Node 20
 * TypeScript down-levels `using` (target ES2022) to a disposal stack and a
 * try/catch/finally per block, which is measured on its own row.
 */
const lockerUsing = asyncFn(function* (mutex: Mutex<number>, times: number) {
  for (let i = 0; i < times; i++) {
    using guard = yield* mutex.lock();
    const seen = guard.value;
    yield* yieldNow();
    guard.value = seen + 1;
  }
});

const mutexProgram = asyncFn(function* (n: number, tasks: number, body: typeof locker) {
  const mutex = new Mutex(0);
  const handles: JoinHandle<void>[] = [];
  for (let t = 0; t < tasks; t++) handles.push(spawn(body(mutex, n / tasks)));
  for (const h of handles) yield* h;
  const guard = yield* mutex.lock();
  const count = guard.value;
  guard.release();
  return count;
});

/** `tasks` generator tasks share one Mutex for `n` lock/unlock pairs in all; returns the counter. */
export function mutexContended(n: number, tasks: number): number {
  return rt.blockOn(mutexProgram(n, tasks, locker));
}

/** The same with `using guard = yield* mutex.lock()`; returns the counter. */
export function mutexContendedUsing(n: number, tasks: number): number {
  return rt.blockOn(mutexProgram(n, tasks, lockerUsing));
}

/** A locker as a hand-written future: the `lock()` future polled in place, the yield done by waking itself once. */
class LockerByHand implements Future<void> {
  private done = 0;
  private locking: Future<MutexGuard<number>> | undefined = undefined;
  private guard: MutexGuard<number> | undefined = undefined;
  private seen = 0;

  constructor(
    private readonly mutex: Mutex<number>,
    private readonly times: number,
  ) {}

  poll(cx: Context): Poll<void> {
    while (this.done < this.times) {
      const guard = this.guard;
      if (guard === undefined) {
        const locking = (this.locking ??= this.mutex.lock());
        const locked = locking.poll(cx);
        if (locked === PENDING) return PENDING;
        this.locking = undefined;
        this.guard = locked;
        this.seen = locked.value;
        cx.waker.wakeByRef(); // the yield inside the critical section
        return PENDING;
      }
      guard.value = this.seen + 1;
      guard.release();
      this.guard = undefined;
      this.done++;
    }
  }
}

const mutexByHandProgram = asyncFn(function* (n: number, tasks: number) {
  const mutex = new Mutex(0);
  const handles: JoinHandle<void>[] = [];
  for (let t = 0; t < tasks; t++) handles.push(spawn(new LockerByHand(mutex, n / tasks)));
  for (const h of handles) yield* h;
  const guard = yield* mutex.lock();
  const count = guard.value;
  guard.release();
  return count;
});

/** `tasks` hand-written futures share one Mutex for `n` lock/unlock pairs in all; returns the counter. */
export function mutexContendedByHand(n: number, tasks: number): number {
  return rt.blockOn(mutexByHandProgram(n, tasks));
}

// --- semaphore -----------------------------------------------------------------------

const semaphoreProgram = asyncFn(function* (n: number) {
  const semaphore = new Semaphore(1);
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    const permit = yield* semaphore.acquire();
    pairs++;
    permit.release();
  }
  return pairs;
});

/** `n` acquire/release pairs by one generator task, nobody else waiting; returns `n`. */
export function semaphoreUncontended(n: number): number {
  return rt.blockOn(semaphoreProgram(n));
}

/** The same loop as a hand-written future: the `acquire()` future polled in place. */
class SemaphorePairsByHand implements Future<number> {
  private readonly semaphore = new Semaphore(1);
  private acquiring: Future<SemaphorePermit> | undefined = undefined;
  private pairs = 0;

  constructor(private readonly n: number) {}

  poll(cx: Context): Poll<number> {
    while (this.pairs < this.n) {
      const acquiring = (this.acquiring ??= this.semaphore.acquire());
      const permit = acquiring.poll(cx);
      if (permit === PENDING) return PENDING; // the budget is spent: the task was woken to go again
      this.acquiring = undefined;
      this.pairs++;
      permit.release();
    }
    return this.pairs;
  }
}

/** `n` acquire/release pairs by one hand-written future; returns `n`. */
export function semaphoreUncontendedByHand(n: number): number {
  return rt.blockOn(new SemaphorePairsByHand(n));
}

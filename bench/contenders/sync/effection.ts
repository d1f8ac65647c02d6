/**
 * Effection 4 (`effection` 4.1.1): `withResolvers` and channels.
 *
 * What it measures, the same work as every contender of the sync tables
 * where Effection has the primitive:
 * - oneshot round trip: `withResolvers()` per hop (Effection's
 *   `Promise.withResolvers`): `resolve` on one side, `yield* operation` on
 *   the other, two tasks handing each other the next one.
 * - mpsc round trip: two tasks and two `createChannel()`s; the receiving
 *   side subscribes (`yield* channel`) before anything is sent, then
 *   `yield* channel.send(v)` and `yield* subscription.next()`.
 * - throughput: the same channel with one or more producer tasks. Effection
 *   has no bounded channel (a subscription's queue grows without limit and
 *   `send` never waits), so its producers are never held back.
 * - mutex and semaphore: Effection 4 has neither; no rows.
 *
 * Why it is fair: generator functions are hoisted and `spawn` gets an arrow
 * calling one (cheap, not a fresh generator closure); `run()` returns a
 * promise, awaited once per batch. Effection costs microseconds per
 * operation here, so its batches are smaller (the tables say which); its
 * figures are per operation all the same.
 *
 * @module
 */

import { type Channel, createChannel, type Operation, run, type Subscription, spawn, withResolvers } from "effection";

// --- oneshot round trip ----------------------------------------------------------

/** A one-time value whose value is the one-time value of the reply. */
interface Hop {
  readonly operation: Operation<Hop>;
  resolve(value: Hop): void;
}

function* initiator(to: Hop, n: number): Operation<number> {
  let trips = 0;
  for (let i = 0; i < n; i++) {
    const back: Hop = withResolvers<Hop>();
    to.resolve(back);
    to = yield* back.operation;
    trips++;
  }
  return trips;
}

function* echo(mine: Hop, n: number): Operation<number> {
  let trips = 0;
  for (let i = 0; i < n; i++) {
    const to = yield* mine.operation;
    mine = withResolvers<Hop>();
    to.resolve(mine);
    trips++;
  }
  return trips;
}

function* oneshotProgram(n: number): Operation<number> {
  const first: Hop = withResolvers<Hop>();
  const echoing = yield* spawn(() => echo(first, n));
  const trips = yield* initiator(first, n);
  if ((yield* echoing) !== trips) throw new Error("Effection oneshot: the two sides disagree");
  return trips;
}

/** `n` round trips through a fresh `withResolvers()` per hop; resolves to `n`. */
export function oneshotRoundTrips(n: number): Promise<number> {
  return run(() => oneshotProgram(n));
}

// --- mpsc round trip ---------------------------------------------------------------

/** The next message, which must be there (nobody closes these channels). */
function* receive(from: Subscription<number, void>): Operation<number> {
  const next = yield* from.next();
  if (next.done === true) throw new Error("Effection channel: closed early");
  return next.value;
}

function* pinger(ping: Channel<number, void>, pong: Subscription<number, void>, n: number): Operation<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    yield* ping.send(i);
    sum += yield* receive(pong);
  }
  return sum;
}

function* ponger(ping: Subscription<number, void>, pong: Channel<number, void>, n: number): Operation<void> {
  for (let i = 0; i < n; i++) yield* pong.send(yield* receive(ping));
}

function* mpscProgram(n: number): Operation<number> {
  const ping = createChannel<number, void>();
  const pong = createChannel<number, void>();
  // Subscribe first: a channel drops what is sent while nobody listens.
  const pings = yield* ping;
  const pongs = yield* pong;
  const echoing = yield* spawn(() => ponger(pings, pong, n));
  const sum = yield* pinger(ping, pongs, n);
  yield* echoing;
  return sum;
}

/** `n` round trips between two tasks over two channels; resolves to the sum of 0..n-1. */
export function mpscRoundTrips(n: number): Promise<number> {
  return run(() => mpscProgram(n));
}

// --- throughput ----------------------------------------------------------------------

function* producer(channel: Channel<number, void>, from: number, to: number): Operation<void> {
  for (let i = from; i < to; i++) yield* channel.send(i);
}

function* throughputProgram(n: number, producers: number): Operation<number> {
  const channel = createChannel<number, void>();
  const messages = yield* channel;
  const each = Math.ceil(n / producers);
  for (let p = 0; p < producers; p++) {
    yield* spawn(() => producer(channel, p * each, Math.min(n, (p + 1) * each)));
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* receive(messages);
  return sum;
}

/** `n` messages from `producers` tasks to one through an (unbounded) channel; resolves to the sum of 0..n-1. */
export function throughput(n: number, producers: number): Promise<number> {
  return run(() => throughputProgram(n, producers));
}

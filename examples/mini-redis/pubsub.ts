/**
 * Pub/sub on `broadcast` channels: one channel per Redis channel name, a
 * receiver per subscription.
 *
 * A publisher never waits: `broadcast` keeps the last {@link CAPACITY}
 * messages and overwrites the oldest. A subscriber too slow to keep up
 * (its socket backs up, so its task waits to write) falls behind, and its
 * next receive reports how many it missed (`LaggedError`): it lags, the
 * others are not held back.
 *
 * @module
 */

import {
  type BroadcastReceiver,
  type BroadcastSender,
  broadcast,
  type Context,
  LaggedError,
  PENDING,
  type Poll,
  SendError,
  type Stream,
} from "../../src/index.js";

/** Messages a channel keeps for subscribers that have not read them yet. */
export const CAPACITY = 1024;

export class Hub {
  readonly #channels = new Map<string, BroadcastSender<string>>();

  /** PUBLISH: how many subscribers the message reached. */
  publish(channel: string, message: string): number {
    const tx = this.#channels.get(channel);
    if (tx === undefined) return 0;
    try {
      return tx.send(message);
    } catch (e) {
      if (!(e instanceof SendError)) throw e;
      // Every subscriber left: forget the channel.
      this.#channels.delete(channel);
      tx[Symbol.dispose]();
      return 0;
    }
  }

  subscribe(channel: string): BroadcastReceiver<string> {
    const tx = this.#channels.get(channel);
    if (tx === undefined) {
      const [sender, rx] = broadcast<string>(CAPACITY);
      this.#channels.set(channel, sender);
      return rx;
    }
    return tx.subscribe();
  }

  /** Channels that have (or recently had) subscribers. */
  get channels(): number {
    return this.#channels.size;
  }
}

/** What a subscriber receives next: a message, or how many it missed. */
export type Delivery =
  | { readonly channel: string; readonly message: string; readonly missed?: undefined }
  | { readonly channel: string; readonly missed: number; readonly message?: undefined };

/**
 * One connection's subscriptions as a single stream: it polls every
 * receiver in turn, starting after the one that delivered last, so a busy
 * channel does not starve a quiet one.
 */
export class Subscriptions implements Stream<Delivery>, Disposable {
  readonly #receivers = new Map<string, BroadcastReceiver<string>>();
  #start = 0;

  constructor(private readonly hub: Hub) {}

  get size(): number {
    return this.#receivers.size;
  }

  get channels(): string[] {
    return [...this.#receivers.keys()];
  }

  /** Subscribes to `channel` (again is a no-op); returns the number of subscriptions. */
  add(channel: string): number {
    if (!this.#receivers.has(channel)) this.#receivers.set(channel, this.hub.subscribe(channel));
    return this.#receivers.size;
  }

  /** Unsubscribes from `channel`; returns the number of subscriptions left. */
  remove(channel: string): number {
    const rx = this.#receivers.get(channel);
    if (rx !== undefined) {
      this.#receivers.delete(channel);
      rx[Symbol.dispose]();
    }
    return this.#receivers.size;
  }

  pollNext(cx: Context): Poll<Delivery | undefined> {
    const entries = [...this.#receivers];
    const n = entries.length;
    for (let k = 0; k < n; k++) {
      const i = (this.#start + k) % n;
      const entry = entries[i];
      if (entry === undefined) continue;
      const [channel, rx] = entry;
      let p: Poll<string | undefined>;
      try {
        p = rx.pollNext(cx);
      } catch (e) {
        if (!(e instanceof LaggedError)) throw e;
        this.#start = i + 1;
        return { channel, missed: e.missed };
      }
      if (p === PENDING || p === undefined) continue;
      this.#start = i + 1;
      return { channel, message: p };
    }
    return PENDING;
  }

  [Symbol.dispose](): void {
    for (const rx of this.#receivers.values()) rx[Symbol.dispose]();
    this.#receivers.clear();
  }
}

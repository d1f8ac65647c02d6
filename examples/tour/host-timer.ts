/**
 * Scene 1, a hand-written future woken by a host timer: the waker contract.
 *
 * `HostTimer` is the smallest honest leaf future: everything a future owes
 * its executor is in its ~30 lines. Copy it as a template for wrapping any
 * callback API (an event, a stream, a child process) as a future.
 *
 * @module
 */

import {
  awaitable,
  type Context,
  type Future,
  future,
  PENDING,
  type Poll,
  Runtime,
  StallError,
  type Waker,
} from "../../src/index.js";
import type { Narrator } from "./narrator.js";

/** What a HostTimer reports as it goes, for whoever wants to log it. */
export type HostTimerStep = "waker stored" | "fired" | "cleared";

/**
 * A future that is ready with `value` once `ms` milliseconds have passed
 * since its first poll, on the host's `setTimeout`.
 *
 * **Cancel safety:** dropping it before it fires clears the timeout, so
 * nothing is left behind (and the host loop is not kept alive for nothing).
 */
export class HostTimer<T> implements Future<T> {
  #state: "idle" | "waiting" | "fired" | "done" = "idle";
  #timeout: ReturnType<typeof setTimeout> | undefined = undefined;
  #waker: Waker | undefined = undefined;

  constructor(
    private readonly ms: number,
    private readonly value: T,
    private readonly onStep: (step: HostTimerStep) => void = () => {},
  ) {}

  poll(cx: Context): Poll<T> {
    switch (this.#state) {
      case "fired":
        this.#state = "done";
        return this.value;
      case "done":
        // Like Rust's "resumed after completion": a future is awaited once.
        throw new Error("HostTimer was polled after it completed");
      case "idle":
        // Lazy: the timer starts at the first poll, not at construction,
        // so a future that is never awaited costs nothing.
        this.#timeout = setTimeout(this.#fire, this.ms);
        this.#state = "waiting";
        break;
      case "waiting":
        // Polled again before the timer fired (a spurious wake): nothing new.
        break;
    }
    // The waker contract: return PENDING only after storing a waker that
    // will be woken. Keep the latest one: if the future moved to another
    // task, the old waker would wake the wrong task (Rust's `will_wake`).
    if (this.#waker === undefined || !this.#waker.willWake(cx.waker)) {
      this.#waker = cx.waker;
      this.onStep("waker stored");
    }
    return PENDING;
  }

  /** The host calls this, outside any poll: record the result, then wake. */
  readonly #fire = (): void => {
    this.#timeout = undefined;
    this.#state = "fired";
    const waker = this.#waker;
    this.#waker = undefined;
    this.onStep("fired");
    waker?.wake();
  };

  /** Drop: cancellation undoes the registration made by `poll`. */
  [Symbol.dispose](): void {
    if (this.#timeout !== undefined) {
      clearTimeout(this.#timeout);
      this.#timeout = undefined;
      this.onStep("cleared");
    }
    this.#waker = undefined;
    this.#state = "done";
  }
}

export async function hostTimer(narrator: Narrator): Promise<void> {
  narrator.scene("1. Poll, Pending, wake: a hand-written future", "1-waker-contract", [
    "On its first poll, HostTimer starts a setTimeout, stores cx.waker and returns",
    "Pending. That is the waker contract: say Pending only after arranging a wake.",
    "The executor then polls nothing until the host timer calls waker.wake();",
    "only then is main queued and polled again, and this time it is Ready.",
  ]);

  // What HostTimer reports, said in the log by whoever is acting: the
  // future inside main's poll (or drop), the host when its timer fires.
  const main = narrator.voice("main");
  const host = narrator.voice("host");
  const report = (step: HostTimerStep): void => {
    if (step === "waker stored") main("setTimeout(20 ms) started, waker stored");
    else if (step === "fired") host("20 ms later the timer fires: value set, waker.wake()");
    else main("HostTimer dropped: its dispose cleared the timeout");
  };

  // The future that waits: main awaits a HostTimer. `awaitable()` lets
  // `yield*` await a hand-written `{ poll }` object.
  const waitForTimer = () =>
    future(function* () {
      const value = yield* awaitable(new HostTimer(20, "tick", report));
      return value;
    });

  {
    narrator.aside("First rt.blockOn(…): it holds the thread, so no host timer can fire.");
    narrator.take("rt.blockOn stalls", "blockon", [
      "On its first poll, HostTimer starts a setTimeout, stores cx.waker and returns Pending.",
      "But rt.blockOn holds the thread, so the host timer cannot fire and nothing can wake main:",
      "blockOn throws a StallError rather than hang, and drops main, whose HostTimer clears its timeout.",
    ]);
    using rt = new Runtime({ trace: narrator.trace });
    try {
      rt.blockOn(waitForTimer());
    } catch (error) {
      if (!(error instanceof StallError)) throw error;
      // The message goes on to say what to do (use `await rt.run(…)`);
      // its one-line `reason` is the lesson here.
      narrator.aside(`StallError: ${error.reason}.`);
      narrator.aside("blockOn threw rather than hang, and dropped main with the HostTimer in it.");
    }
    narrator.metrics(rt.metrics());
  }

  narrator.aside("");
  narrator.aside("Now await rt.run(…): it lives in the host event loop, so the timer can fire.");
  narrator.take("rt.run, woken by the timer", "run");
  using rt = new Runtime({ trace: narrator.trace });
  const value = await rt.run(waitForTimer());
  narrator.metrics(rt.metrics());
  narrator.aside(`rt.run resolved with ${JSON.stringify(value)}.`);
}

import assert from "node:assert/strict";
import { test } from "node:test";
import { Awaitable, asyncFn, type Context, PENDING, type Poll, Runtime } from "../../src/index.js";
import { collectionsDuring } from "../support/gc.js";

/** One leaf, reused: pending (after waking its task) every other poll, so every await goes through the pending path. */
class Blink extends Awaitable<number> {
  private on = false;
  garbage: unknown = undefined;
  constructor(private readonly allocate: boolean) {
    super();
  }
  poll(cx: Context): Poll<number> {
    if (this.allocate) this.garbage = { on: this.on }; // the control: one small object per poll
    this.on = !this.on;
    if (this.on) {
      cx.waker.wakeByRef();
      return PENDING;
    }
    return 1;
  }
}

const blinker = asyncFn(function* (leaf: Blink, n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* leaf;
  return sum;
});

test("with nobody listening, pending awaits and polls allocate nothing (what the task waits on is kept without allocating)", async () => {
  const rt = new Runtime();
  const quiet = new Blink(false);
  for (let i = 0; i < 3; i++) rt.blockOn(blinker(quiet, 100_000)); // let V8 optimise first
  assert.ok(
    (await collectionsDuring(() => rt.blockOn(blinker(new Blink(true), 1_000_000)))) > 2,
    "the control allocates",
  );
  assert.equal(await collectionsDuring(() => rt.blockOn(blinker(quiet, 1_000_000))), 0);
});

test("once its last listener unsubscribes, a runtime is back on the path that allocates nothing", async () => {
  const rt = new Runtime();
  const quiet = new Blink(false);
  let events = 0;
  const stop = rt.onEvent(() => {
    events++;
  });
  rt.blockOn(blinker(quiet, 1000));
  assert.ok(events > 3000);
  stop();
  for (let i = 0; i < 3; i++) rt.blockOn(blinker(quiet, 100_000));
  assert.equal(await collectionsDuring(() => rt.blockOn(blinker(quiet, 1_000_000))), 0);
  assert.ok(events < 3100, "no more events");
});

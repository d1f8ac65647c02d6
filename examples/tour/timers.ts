/**
 * Scene 3, timers under virtual time.
 *
 * Three tasks sleep for different times on a virtual clock. A sleep is an
 * entry in the runtime's timer wheel that holds the task's waker; when
 * every task is idle, the runtime jumps the clock straight to the next
 * deadline and the wheel wakes the tasks that are due. Seconds of sleeping
 * take microseconds, and the order is exact every run.
 *
 * @module
 */

import { asyncFn, future, now, Runtime, sleep, spawn, yieldNow } from "../../src/index.js";
import type { Narrator, Say } from "./narrator.js";

/** Sleeps `ms` on the runtime's clock, then says when it woke. */
const napper = asyncFn(function* (say: Say, ms: number) {
  say(`sleep(${ms}) at ${now().ms} ms: a wheel entry holds my waker`);
  yield* sleep(ms);
  say(`woke at ${now().ms} ms`);
  return ms;
});

export async function timers(narrator: Narrator): Promise<void> {
  narrator.scene("3. Timers under virtual time", "3-timers", [
    "Three tasks sleep 300, 100 and 200 ms. Each sleep is an entry in the timer",
    "wheel holding its task's waker, and the task returns Pending. With the clock",
    'virtual (new Runtime({ clock: "virtual" })), when every task is idle the',
    "runtime jumps straight to the next deadline, and the wheel wakes that task.",
    "Meanwhile rt.dump() says what each task is waiting on.",
  ]);

  const say = narrator.voice("main");
  using rt = new Runtime({ clock: "virtual", trace: narrator.trace });
  const started = performance.now();
  await rt.run(
    future(function* () {
      const kettle = spawn(napper(narrator.voice("kettle"), 300), { name: "kettle" });
      const toast = spawn(napper(narrator.voice("toast"), 100), { name: "toast" });
      const eggs = spawn(napper(narrator.voice("eggs"), 200), { name: "eggs" });
      yield* yieldNow(); // let the three start their sleeps
      say("rt.dump(): what is each task waiting on?");
      for (const line of String(rt.dump()).split("\n")) narrator.aside(`    ${line}`);
      const total = (yield* kettle) + (yield* toast) + (yield* eggs);
      say(`all joined at ${now().ms} ms (slept ${total} ms in all)`);
    }),
  );
  narrator.metrics(rt.metrics());
  const real = performance.now() - started;
  narrator.aside(
    `300 ms of virtual time passed in ${real < 1 ? "under a millisecond" : `${Math.round(real)} ms`} of real time.`,
  );
}

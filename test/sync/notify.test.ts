import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { asyncFn, future, JoinError, Notify, PENDING, Runtime, spawn, wakerFromFn, yieldNow } from "../../src/index.js";
import { roundsBeforeOtherTaskRuns } from "../support/budget.js";
import { countingContext, cx } from "../support/futures.js";

// --- cancellation first --------------------------------------------------

test("a dropped notified() that notifyOne had chosen passes the notification to the next waiter", () => {
  const notify = new Notify();
  const a = notify.notified();
  const b = notify.notified();
  const { cx: cxB, wakes: wakesB } = countingContext();
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cxB), PENDING);
  notify.notifyOne(); // chooses a
  assert.equal(wakesB(), 0);
  a[Symbol.dispose](); // a's owner never saw it
  assert.equal(wakesB(), 1, "b was woken in a's place");
  assert.equal(b.poll(cxB), undefined);
});

test("a dropped notified() that notifyOne had chosen, with nobody else waiting, puts the permit back", () => {
  const notify = new Notify();
  const a = notify.notified();
  assert.equal(a.poll(cx), PENDING);
  notify.notifyOne();
  a[Symbol.dispose]();
  assert.equal(notify.notified().poll(cx), undefined, "the next notified() takes the stored permit");
});

test("a dropped notified() that had taken the stored permit with enable() puts it back", () => {
  const notify = new Notify();
  notify.notifyOne();
  const a = notify.notified();
  assert.equal(a.enable(), true);
  a[Symbol.dispose]();
  assert.equal(notify.notified().poll(cx), undefined);
});

test("a dropped waiting notified() leaves the queue: notifyOne goes to the next one", () => {
  const notify = new Notify();
  const a = notify.notified();
  const b = notify.notified();
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cx), PENDING);
  a[Symbol.dispose]();
  notify.notifyOne();
  assert.equal(b.poll(cx), undefined);
});

test("a dropped notified() reached by notifyWaiters passes nothing on", () => {
  const notify = new Notify();
  const a = notify.notified();
  assert.equal(a.poll(cx), PENDING);
  notify.notifyWaiters();
  a[Symbol.dispose]();
  assert.equal(notify.notified().poll(cx), PENDING, "no permit was stored");
});

test("waking after drop is a no-op: a dropped notified()'s waker is never called", () => {
  const notify = new Notify();
  const { cx: counted, wakes } = countingContext();
  const a = notify.notified();
  assert.equal(a.poll(counted), PENDING);
  a[Symbol.dispose]();
  a[Symbol.dispose]();
  notify.notifyOne();
  notify.notifyWaiters();
  assert.equal(wakes(), 0);
});

test("aborting a task waiting on notified() loses no notifyOne: the next waiting task gets it", () => {
  const notify = new Notify();
  const got: string[] = [];
  const waiter = asyncFn(function* (name: string) {
    yield* notify.notified();
    got.push(name);
  });
  new Runtime().blockOn(
    future(function* () {
      const a = spawn(waiter("a"));
      const b = spawn(waiter("b"));
      yield* yieldNow();
      notify.notifyOne(); // chooses a, whose task is aborted before it runs
      a.abort();
      yield* b;
    }),
  );
  assert.deepEqual(got, ["b"]);
});

// --- notifyOne -------------------------------------------------------------

test("notifyOne with nobody waiting stores one permit, never more", () => {
  const notify = new Notify();
  notify.notifyOne();
  notify.notifyOne();
  notify.notifyOne();
  assert.equal(notify.notified().poll(cx), undefined);
  assert.equal(notify.notified().poll(cx), PENDING, "three calls stored one permit");
});

test("notifyOne wakes waiters first-in first-out", () => {
  const notify = new Notify();
  const fs = [notify.notified(), notify.notified(), notify.notified()];
  for (const f of fs) assert.equal(f.poll(cx), PENDING);
  notify.notifyOne();
  assert.deepEqual(
    fs.map((f) => f.enable()),
    [true, false, false],
  );
  notify.notifyOne();
  assert.deepEqual(
    fs.map((f) => f.enable()),
    [true, true, false],
  );
});

test("notifyOne counts a future from its first poll or enable(): one never polled is not chosen", () => {
  const notify = new Notify();
  const idle = notify.notified(); // made, not polled
  const polled = notify.notified();
  assert.equal(polled.poll(cx), PENDING);
  notify.notifyOne();
  assert.equal(polled.poll(cx), undefined, "the polled one was chosen");
  const enabled = notify.notified();
  assert.equal(enabled.enable(), false, "queued without a waker");
  assert.equal(idle.poll(cx), PENDING, "idle joins the queue behind `enabled`");
  notify.notifyOne();
  assert.equal(enabled.enable(), true);
  assert.equal(idle.poll(cx), PENDING);
});

test("a pending notified() keeps one waker and replaces it only when willWake says it changed", () => {
  const notify = new Notify();
  const woken: string[] = [];
  const onA = () => woken.push("a");
  const f = notify.notified();
  const a1 = wakerFromFn(onA);
  assert.equal(f.poll({ waker: a1 }), PENDING);
  assert.equal(f.poll({ waker: wakerFromFn(onA) }), PENDING);
  assert.equal((f as unknown as { waker: unknown }).waker, a1);
  assert.equal(f.poll({ waker: wakerFromFn(() => woken.push("b")) }), PENDING);
  notify.notifyOne();
  assert.deepEqual(woken, ["b"]);
});

test("a notified() ready at once spends budget: a notify/notified loop cannot starve another task", () => {
  const notify = new Notify();
  const seenAt = roundsBeforeOtherTaskRuns(function* () {
    notify.notifyOne();
    yield* notify.notified();
  });
  assert.ok(seenAt >= 0 && seenAt <= 128, `the other task ran after ${seenAt} notifications`);
});

// --- notifyWaiters ---------------------------------------------------------

test("notifyWaiters wakes every waiter and stores no permit", () => {
  const notify = new Notify();
  const fs = [notify.notified(), notify.notified(), notify.notified()];
  const { cx: counted, wakes } = countingContext();
  for (const f of fs) assert.equal(f.poll(counted), PENDING);
  notify.notifyWaiters();
  assert.equal(wakes(), 3);
  for (const f of fs) assert.equal(f.poll(cx), undefined);
  assert.equal(notify.notified().poll(cx), PENDING);
});

test("notifyWaiters counts a notified() from its creation, even if it was never polled (tokio's rule)", () => {
  const notify = new Notify();
  const made = notify.notified(); // e.g. made, then the condition checked, then awaited
  notify.notifyWaiters();
  const after = notify.notified();
  assert.equal(made.poll(cx), undefined);
  assert.equal(after.poll(cx), PENDING, "made after the call: waits for the next one");
});

test("notifyWaiters does not consume a stored permit", () => {
  const notify = new Notify();
  notify.notifyOne();
  const a = notify.notified();
  notify.notifyWaiters();
  assert.equal(a.poll(cx), undefined, "reached by notifyWaiters");
  assert.equal(notify.notified().poll(cx), undefined, "the permit is still there");
});

test("polling a completed notified() throws", () => {
  const notify = new Notify();
  notify.notifyOne();
  const a = notify.notified();
  assert.equal(a.poll(cx), undefined);
  assert.throws(() => a.poll(cx), /polled after it completed/);
});

// --- no notifyOne is lost: the whole life, under many schedules -------------

/**
 * A Notify that counts the `notifyOne()` calls that found a permit already
 * stored. Such a call wakes nobody and stores nothing new: it merges into
 * the permit (one is stored at most). A dropped `notified()` that had been
 * chosen passes its notification on through `notifyOne()`, so a pass-on can
 * merge too, and this counts it.
 */
class MergeCountingNotify extends Notify {
  merged = 0;
  override notifyOne(): void {
    if (this.permit) this.merged++;
    super.notifyOne();
  }
}

interface NotifyPlan {
  /** One waiter task per entry: how many times it yields before it waits. */
  delays: number[];
  /** The steps at which the driver calls notifyOne (if anyone waits and no permit is stored). */
  notifies: number[];
  /** The steps at which the driver aborts a waiter (`task` modulo the number of waiters). */
  aborts: { at: number; task: number }[];
}

/**
 * Runs waiters, notifies and aborts on a seeded runtime, then notifies
 * until every waiter has finished. Returns the bookkeeping the rule is
 * stated in.
 */
function runNotifyPlan(seed: number, { delays, notifies, aborts }: NotifyPlan, steps: number) {
  const notify = new MergeCountingNotify();
  let woken = 0;
  /** Notifications the driver sent, each while someone waited and no permit was stored. */
  let made = 0;
  const notifyOne = (): void => {
    if (notify.permit || notify.waiters.size === 0) return;
    made++;
    notify.notifyOne();
  };
  const waiter = asyncFn(function* (delay: number) {
    for (let d = 0; d < delay; d++) yield* yieldNow();
    yield* notify.notified();
    woken++;
  });
  new Runtime({ seed }).blockOn(
    future(function* () {
      const hs = delays.map((d) => spawn(waiter(d)));
      const check = (): void =>
        assert.ok(!(notify.permit && notify.waiters.size > 0), "a permit is stored while a waiter waits: lost wakeup");
      for (let step = 0; step <= steps; step++) {
        for (const a of aborts) if (a.at === step) hs[a.task % hs.length]?.abort();
        for (const n of notifies) if (n === step) notifyOne();
        check();
        yield* yieldNow();
      }
      // Each round wakes one waiter or lets an abort land; a bound turns a
      // lost wakeup into a failure instead of a hang.
      for (let round = 0; hs.some((h) => !h.isFinished()); round++) {
        assert.ok(round < 100, "waiters still wait after 100 rounds of notifyOne: a wakeup was lost");
        notifyOne();
        check();
        yield* yieldNow();
      }
      for (const h of hs) {
        try {
          yield* h;
        } catch (e) {
          assert.ok(e instanceof JoinError && e.isCancelled(), `a waiter failed: ${e}`);
        }
      }
    }),
  );
  return { woken, made, merged: notify.merged, permit: notify.permit };
}

/**
 * The conservation rule. Every notification the driver made reached a
 * waiter that saw it (`woken`), or is the stored permit, or merged into a
 * permit already stored — which happens only when a chosen waiter is
 * dropped, passes its notification on with nobody waiting, and finds the
 * permit taken by an earlier pass-on (tokio merges the same way). Nothing
 * else may become of it.
 */
function assertConserved({ woken, made, merged, permit }: ReturnType<typeof runNotifyPlan>): void {
  assert.equal(woken + merged + (permit ? 1 : 0), made, `woken ${woken} + merged ${merged} + permit ${permit}`);
}

test("the seed-30 schedule: two chosen waiters dropped with nobody left waiting store one permit, and it is taken", () => {
  // Found by the property below. w1 is aborted, then chosen (its task has
  // not run since); w2 and w0 are chosen, then aborted; w0 passes its
  // notification to w3. When w2 and w1 are finally dropped nobody waits:
  // w2's pass-on stores the permit, w1's merges into it. w4 then starts
  // and takes the permit. Three notifications: two seen, one merged.
  const outcome = runNotifyPlan(
    30,
    {
      delays: [0, 0, 2, 1, 0],
      notifies: [7, 3, 6],
      aborts: [
        { at: 6, task: 2 },
        { at: 7, task: 0 },
        { at: 3, task: 6 },
      ],
    },
    10,
  );
  assert.deepEqual(outcome, { woken: 2, made: 3, merged: 1, permit: false });
});

test("two chosen notified() dropped with nobody waiting leave one permit, as two notifyOne() calls would", () => {
  const notify = new Notify();
  const a = notify.notified();
  const b = notify.notified();
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cx), PENDING);
  notify.notifyOne(); // chooses a
  notify.notifyOne(); // chooses b
  a[Symbol.dispose](); // nobody waits: the permit is stored
  b[Symbol.dispose](); // a permit is stored already: merges into it
  assert.equal(notify.notified().poll(cx), undefined, "one permit was stored");
  assert.equal(notify.notified().poll(cx), PENDING, "and only one: a Notify holds one permit at most");
});

test("under any seed, with random waiters, notifies and aborts, every notifyOne is seen, stored or merged into the stored permit", () => {
  // A short plan with many aborts: a chosen waiter is dropped in about a
  // quarter of runs and two pass-ons meet a stored permit in a few percent
  // (the earlier 10-step plan with 3 aborts: 15% and 0.2%, which is how
  // the seed-30 schedule slipped through 300 runs).
  const steps = 4;
  const plan = fc.record({
    delays: fc.array(fc.nat(2), { minLength: 1, maxLength: 6 }),
    notifies: fc.array(fc.nat(steps), { maxLength: 8 }),
    aborts: fc.array(fc.record({ at: fc.nat(steps), task: fc.nat(5) }), { maxLength: 8 }),
  });
  fc.assert(
    fc.property(fc.integer(), plan, (seed, p) => assertConserved(runNotifyPlan(seed, p, steps))),
    { numRuns: 1000 },
  );
});

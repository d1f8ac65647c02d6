import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  type Context,
  future,
  JoinError,
  Notify,
  noopWaker,
  PENDING,
  Runtime,
  spawn,
  wakerFromFn,
  yieldNow,
} from "../../src/index.js";
import { countingContext } from "../support/futures.js";

const cx: Context = { waker: noopWaker() };

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
  let seenAt = -1;
  let spins = 0;
  const spinner = asyncFn(function* () {
    while (seenAt < 0 && spins < 100_000) {
      notify.notifyOne();
      yield* notify.notified();
      spins++;
    }
  });
  new Runtime().blockOn(
    future(function* () {
      const h = spawn(spinner());
      const other = spawn(
        future(function* () {
          seenAt = spins;
        }),
      );
      yield* h;
      yield* other;
    }),
  );
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

test("under any seed, with random waiters, notifies and aborts, no notifyOne is lost", () => {
  const plan = fc.record({
    delays: fc.array(fc.nat(4), { minLength: 1, maxLength: 8 }),
    notifies: fc.array(fc.nat(10), { maxLength: 10 }),
    aborts: fc.array(fc.record({ at: fc.nat(10), task: fc.nat(7) }), { maxLength: 3 }),
  });
  fc.assert(
    fc.property(fc.integer(), plan, (seed, { delays, notifies, aborts }) => {
      const notify = new Notify();
      let woken = 0;
      /**
       * Notifications sent, each to someone waiting. Each must end up seen
       * by a waiter that finished, or passed on by a dropped waiter that
       * had been chosen — to another waiter or into the stored permit,
       * where several rightly collapse into one.
       */
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
          for (let step = 0; step <= 10; step++) {
            for (const a of aborts) if (a.at === step) hs[a.task % hs.length]?.abort();
            for (const n of notifies) if (n === step) notifyOne();
            yield* yieldNow();
          }
          while (hs.some((h) => !h.isFinished())) {
            notifyOne();
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
      assert.ok(woken <= made);
      if (woken < made) assert.ok(notify.permit, "a notification was neither seen nor stored: lost");
    }),
    { numRuns: 300 },
  );
});

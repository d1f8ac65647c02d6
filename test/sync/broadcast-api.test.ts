// broadcast: Sender.len, receiverCount and the sender-only broadcast.sender(n),
// as tokio's Sender::len, receiver_count and Sender::new behave.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { broadcast, LaggedError, PENDING, SendError } from "../../src/index.js";
import { countingContext } from "../support/futures.js";

test("a dropped receiver no longer holds messages in the sender's len", () => {
  const [tx, slow] = broadcast<number>(8);
  const fast = tx.subscribe();
  tx.send(1);
  tx.send(2);
  assert.equal(fast.tryRecv(), 1);
  assert.equal(fast.tryRecv(), 2);
  assert.equal(tx.len, 2, "slow has read neither");
  slow[Symbol.dispose]();
  assert.equal(tx.len, 0);
  assert.equal(tx.receiverCount, 1);
});

test("a dropped pending recv reads nothing, so len is unchanged", () => {
  const [tx, rx] = broadcast<number>(4);
  const { cx } = countingContext();
  const pending = rx.recv();
  assert.equal(pending.poll(cx), PENDING);
  tx.send(1);
  pending[Symbol.dispose]();
  assert.equal(tx.len, 1);
  assert.equal(rx.tryRecv(), 1);
  assert.equal(tx.len, 0);
});

test("overwritten messages leave len: it never exceeds the capacity, and a lagging receiver catches up", () => {
  const [tx, rx] = broadcast<number>(2);
  for (let i = 0; i < 5; i++) tx.send(i);
  assert.equal(tx.len, 2);
  assert.throws(() => rx.tryRecv(), LaggedError);
  assert.equal(rx.tryRecv(), 3);
  assert.equal(tx.len, 1);
  assert.equal(rx.tryRecv(), 4);
  assert.equal(tx.len, 0);
});

test("a receiver subscribed later does not count for messages sent before it", () => {
  const [tx, rx] = broadcast<string>(4);
  tx.send("early");
  const late = tx.subscribe();
  assert.equal(rx.tryRecv(), "early");
  assert.equal(tx.len, 0, "late never had to read it");
  tx.send("later");
  assert.equal(tx.len, 1);
  late[Symbol.dispose]();
  assert.equal(tx.len, 1, "rx still has to read it");
});

test("broadcast.sender(n) has no receiver: send throws SendError until someone subscribes", () => {
  const tx = broadcast.sender<number>(4);
  assert.equal(tx.receiverCount, 0);
  assert.throws(
    () => tx.send(1),
    (e: unknown) => e instanceof SendError && e.value === 1,
  );
  const rx = tx.subscribe();
  assert.equal(tx.send(2), 1);
  assert.equal(tx.len, 1);
  assert.equal(rx.tryRecv(), 2, "the refused send left nothing behind");
  assert.throws(() => broadcast.sender(0), RangeError);
  assert.throws(() => broadcast.sender("4" as never), TypeError);
});

test("len is the number of messages still in the ring that some receiver alive at their send has not read", () => {
  type Op = { kind: "send" } | { kind: "recv"; who: number } | { kind: "subscribe" } | { kind: "drop"; who: number };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.constant<Op>({ kind: "send" }),
    fc.integer({ min: 0, max: 4 }).map((who): Op => ({ kind: "recv", who })),
    fc.constant<Op>({ kind: "subscribe" }),
    fc.integer({ min: 0, max: 4 }).map((who): Op => ({ kind: "drop", who })),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5 }), fc.array(opArb, { maxLength: 60 }), (capacity, ops) => {
      const [tx, first] = broadcast<number>(capacity);
      // The model: each live receiver's next sequence number; sent = messages so far.
      const firstModel = { rx: first, next: 0 };
      const live: { rx: typeof first; next: number }[] = [firstModel];
      const aliveAt: number[][] = []; // for each message, the model indices of receivers alive then
      let sent = 0;
      const ids: (typeof live)[number][] = [firstModel];
      for (const op of ops) {
        if (op.kind === "send") {
          if (live.length === 0) continue;
          tx.send(sent);
          aliveAt.push(live.map((r) => ids.indexOf(r)));
          sent++;
        } else if (op.kind === "subscribe") {
          const r = { rx: tx.subscribe(), next: sent };
          live.push(r);
          ids.push(r);
        } else {
          const r = live[op.who % Math.max(1, live.length)];
          if (r === undefined) continue;
          if (op.kind === "drop") {
            r.rx[Symbol.dispose]();
            live.splice(live.indexOf(r), 1);
          } else {
            try {
              const v = r.rx.tryRecv();
              if (typeof v === "number") r.next = v + 1;
            } catch (e) {
              if (!(e instanceof LaggedError)) throw e;
              r.next = sent - capacity;
            }
          }
        }
        // len counts from the oldest message someone still has to read.
        let firstWaiting = sent;
        for (let seq = Math.max(0, sent - capacity); seq < sent; seq++) {
          const waiting = (aliveAt[seq] ?? []).some((id) => {
            const r = ids[id];
            return r !== undefined && live.includes(r) && r.next <= seq;
          });
          if (waiting) {
            firstWaiting = seq;
            break;
          }
        }
        assert.equal(tx.len, sent - firstWaiting);
      }
    }),
    { numRuns: 300 },
  );
});

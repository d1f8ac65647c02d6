import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  awaitable,
  type Context,
  consumeBudget,
  currentRuntime,
  future,
  type JoinHandle,
  main,
  PENDING,
  type Poll,
  pollProceed,
  Runtime,
  remainingBudget,
  StallError,
  spawn,
  type Waker,
  yieldNow,
} from "../../src/index.js";
import { NO_SLOT, SlotSet } from "../../src/util/slots.js";
import { Gate, never } from "../support/futures.js";

test("blockOn of a future nobody will ever wake throws a StallError instead of hanging, and drops it", () => {
  const log: string[] = [];
  const rt = new Runtime();
  assert.throws(
    () =>
      rt.blockOn(
        future(function* () {
          spawn(awaitable(never), { name: "sleeper" }).detach();
          try {
            yield* awaitable(never);
          } finally {
            log.push("root dropped");
          }
        }),
      ),
    (e: unknown) =>
      e instanceof StallError &&
      /can never finish/.test(e.message) &&
      /#2 "sleeper"/.test(e.message) &&
      e.waiting.length === 2,
  );
  assert.deepEqual(log, ["root dropped"]);
  assert.equal(rt.aliveTasks, 1, "the detached sleeper is still there for shutdown");
  rt.shutdown();
  assert.equal(rt.aliveTasks, 0);
});

test("blockOn returns the future's value and rethrows its own error (not wrapped)", () => {
  const rt = new Runtime();
  assert.equal(
    rt.blockOn(
      future(function* () {
        return "v";
      }),
    ),
    "v",
  );
  const boom = new TypeError("boom");
  assert.throws(
    () =>
      rt.blockOn(
        future(function* (): Generator<typeof PENDING, void> {
          throw boom;
        }),
      ),
    (e: unknown) => e === boom,
  );
  assert.equal(
    rt.blockOn(
      future(function* () {
        return 2;
      }),
    ),
    2,
    "a failure leaves the runtime usable",
  );
});

test("blockOn inside a task throws instead of deadlocking", () => {
  const rt = new Runtime();
  const inner = new Runtime();
  assert.throws(
    () =>
      rt.blockOn(
        future(function* () {
          inner.blockOn(future(function* () {}));
        }),
      ),
    /from inside a task/,
  );
});

test("spawn outside a runtime throws a clear error; inside, currentRuntime is the runtime", () => {
  assert.throws(() => spawn(future(function* () {})), /outside a runtime.*rt\.spawn/);
  assert.equal(currentRuntime(), undefined);
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      assert.equal(currentRuntime(), rt);
    }),
  );
  assert.equal(currentRuntime(), undefined);
});

test("bad arguments throw TypeError or RangeError naming the argument", () => {
  const rt = new Runtime();
  assert.throws(
    () => rt.spawn(42 as never),
    (e: unknown) => e instanceof TypeError && /spawn\(future\).*number 42/.test(e.message),
  );
  // biome-ignore lint/suspicious/noThenProperty: a thenable is exactly the mistake under test
  assert.throws(() => rt.spawn({ then() {} } as never), /spawn\(future\): future must be a future/);
  assert.throws(() => rt.blockOn(Promise.resolve(1) as never), /blockOn\(future\).*Promise/);
  assert.throws(() => rt.spawn(never, { name: 5 } as never), /options\.name must be a string/);
  assert.throws(() => new Runtime({ seed: 1.5 }), TypeError);
  assert.throws(() => new Runtime({ eventInterval: 0 }), RangeError);
  assert.throws(() => new Runtime({ trace: "yes" as never }), TypeError);
  assert.throws(() => new Runtime(null as never), TypeError);
});

test("run resolves with the value when a host timer wakes a hand-written future", async () => {
  class Delay {
    timer: ReturnType<typeof setTimeout> | undefined = undefined;
    done = false;
    poll(cx: Context): Poll<string> {
      if (this.done) return "woken by the host";
      if (this.timer === undefined) {
        const waker = cx.waker; // store the waker where the callback can reach it
        this.timer = setTimeout(() => {
          this.done = true;
          waker.wake();
        }, 5);
      }
      return PENDING;
    }
    [Symbol.dispose](): void {
      clearTimeout(this.timer);
    }
  }
  const rt = new Runtime();
  assert.equal(await rt.run(new Delay()), "woken by the host");
  assert.throws(() => rt.blockOn(new Delay()), StallError, "blockOn cannot wait for host callbacks");
});

test("run rejects with the future's own error", async () => {
  const rt = new Runtime();
  await assert.rejects(
    rt.run(
      future(function* (): Generator<typeof PENDING, void> {
        yield* yieldNow();
        throw new RangeError("nope");
      }),
    ),
    RangeError,
  );
});

test("run rejects naming the waiting tasks when the host event loop runs dry", () => {
  const out = spawnSync(process.execPath, ["--import", "tsx", "test/runtime/fixtures/run-stalls.ts"], {
    encoding: "utf8",
  });
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /rejected: StallError: rt\.run\(\): the host event loop ran dry/);
  assert.match(out.stdout, /#2 "orphan"/);
});

test("main prints a failure and sets a non-zero exit code", () => {
  const out = spawnSync(process.execPath, ["--import", "tsx", "test/runtime/fixtures/main-fails.ts"], {
    encoding: "utf8",
  });
  assert.equal(out.status, 1);
  assert.match(out.stderr, /main failed on purpose/);
  assert.match(out.stdout, /after main/);
});

test("main resolves with the value of a generator function or a future", async () => {
  assert.equal(
    await main(function* () {
      yield* yieldNow();
      return 3;
    }),
    3,
  );
  assert.equal(
    await main(
      future(function* () {
        return 4;
      }),
    ),
    4,
  );
});

test("run hands control back to the host while tasks stay busy, so host callbacks run", async () => {
  const rt = new Runtime({ eventInterval: 16 });
  let hostRan = false;
  let spinsBeforeHost = -1;
  setImmediate(() => {
    hostRan = true;
  });
  await rt.run(
    future(function* () {
      for (let i = 0; i < 10_000 && !hostRan; i++) {
        yield* yieldNow();
        spinsBeforeHost = i;
      }
    }),
  );
  assert.equal(hostRan, true);
  assert.ok(spinsBeforeHost < 100, `host waited ${spinsBeforeHost} yields`);
});

test("shutdown drops every live task (finally runs, handles report cancellation) and refuses new ones", () => {
  const log: string[] = [];
  const rt = new Runtime();
  const parked = asyncFn(function* (name: string) {
    try {
      yield* awaitable(new Gate<void>());
    } finally {
      log.push(name);
    }
  });
  rt.blockOn(
    future(function* () {
      spawn(parked("a")).detach();
      spawn(parked("b")).detach();
      spawn(parked("queued-never-polled")).detach();
      yield* yieldNow();
    }),
  );
  assert.equal(rt.aliveTasks, 3);
  rt.shutdown();
  assert.deepEqual(log, ["a", "b", "queued-never-polled"]);
  assert.equal(rt.aliveTasks, 0);
  assert.equal(rt.isShutdown, true);
  rt.shutdown();
  assert.throws(() => rt.spawn(never), /shut down/);
});

test("using a runtime shuts it down at the end of the scope", () => {
  let dropped = false;
  {
    using rt = new Runtime();
    rt.spawn(
      future(function* () {
        try {
          yield* awaitable(never);
        } finally {
          dropped = true;
        }
      }),
    ).detach();
    rt.blockOn(yieldNow());
  }
  assert.equal(dropped, true);
});

test("shutdown from inside a task is refused", () => {
  const rt = new Runtime();
  assert.throws(
    () =>
      rt.blockOn(
        future(function* () {
          rt.shutdown();
        }),
      ),
    /while the runtime is polling/,
  );
});

test("the default schedule is first-in first-out", () => {
  const order: number[] = [];
  const worker = asyncFn(function* (id: number) {
    for (let round = 0; round < 3; round++) {
      order.push(id);
      yield* yieldNow();
    }
  });
  new Runtime().blockOn(
    future(function* () {
      const hs = [spawn(worker(1)), spawn(worker(2)), spawn(worker(3))];
      for (const h of hs) yield* h;
    }),
  );
  assert.deepEqual(order, [1, 2, 3, 1, 2, 3, 1, 2, 3]);
});

/** Runs a fixed program of interleaving tasks and returns the order of steps. */
function interleaving(seed: number | undefined, tasks = 4, steps = 5): string {
  const order: string[] = [];
  const worker = asyncFn(function* (id: number) {
    for (let s = 0; s < steps; s++) {
      order.push(`${id}.${s}`);
      yield* yieldNow();
    }
    return id;
  });
  const rt = new Runtime(seed === undefined ? {} : { seed });
  const ids = rt.blockOn(
    future(function* () {
      const hs = Array.from({ length: tasks }, (_, i) => spawn(worker(i)));
      const out: number[] = [];
      for (const h of hs) out.push(yield* h);
      return out;
    }),
  );
  assert.deepEqual(
    ids,
    Array.from({ length: tasks }, (_, i) => i),
  );
  return order.join(" ");
}

test("the same seed gives the same interleaving; different seeds give different ones", () => {
  assert.equal(interleaving(42), interleaving(42));
  const distinct = new Set<string>();
  for (let seed = 0; seed < 20; seed++) distinct.add(interleaving(seed));
  assert.ok(distinct.size >= 15, `only ${distinct.size} distinct interleavings from 20 seeds`);
  assert.ok(!distinct.has(interleaving(undefined)) || distinct.size > 1);
});

test("under any seed, every task of a random program finishes exactly once with its own value", () => {
  const program = fc.array(fc.record({ yields: fc.nat(6), children: fc.nat(3) }), { minLength: 1, maxLength: 8 });
  fc.assert(
    fc.property(fc.integer(), program, (seed, shape) => {
      const finished = new Map<string, number>();
      const node = asyncFn(function* (
        path: string,
        yields: number,
        children: number,
      ): Generator<typeof PENDING, string> {
        const hs = [];
        for (let c = 0; c < children; c++) hs.push(spawn(node(`${path}.${c}`, yields >> 1, children >> 1)));
        for (let y = 0; y < yields; y++) yield* yieldNow();
        let joined = "";
        for (const h of hs) joined += `(${yield* h})`;
        finished.set(path, (finished.get(path) ?? 0) + 1);
        return path + joined;
      });
      const rt = new Runtime({ seed });
      const out = rt.blockOn(
        future(function* () {
          const hs = shape.map((t, i) => spawn(node(`${i}`, t.yields, t.children)));
          const results: string[] = [];
          for (const h of hs) results.push(yield* h);
          return results;
        }),
      );
      assert.equal(rt.aliveTasks, 0);
      for (const [path, count] of finished) assert.equal(count, 1, `task ${path} finished ${count} times`);
      for (const [i, r] of out.entries()) assert.ok(r.startsWith(`${i}`));
    }),
    { numRuns: 200 },
  );
});

test("the budget makes an always-ready task yield so others run", () => {
  const order: string[] = [];
  // A leaf that is always ready but spends budget, like a channel that always has data.
  class AlwaysReady {
    poll(cx: Context): Poll<number> {
      return pollProceed(cx) ? 1 : PENDING;
    }
  }
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      const greedy = spawn(
        future(function* () {
          let n = 0;
          while (n < 1000) {
            n += yield* awaitable(new AlwaysReady());
            if (n % 128 === 0) order.push(`greedy ${n}`);
          }
        }),
      );
      const other = spawn(
        future(function* () {
          order.push("other ran");
        }),
      );
      yield* greedy;
      yield* other;
    }),
  );
  assert.equal(order[0], "greedy 128");
  assert.equal(order[1], "other ran", "the other task ran after one budget's worth, not after 1000");
});

test("the budget is unlimited outside a task poll", () => {
  assert.equal(remainingBudget(), Number.POSITIVE_INFINITY);
  let inside = 0;
  new Runtime().blockOn({
    poll(_cx: Context): Poll<void> {
      inside = remainingBudget();
    },
  });
  assert.equal(inside, 128);
  assert.equal(remainingBudget(), Number.POSITIVE_INFINITY);
});

test("a runtime keeps running woken tasks in the host loop after blockOn returns", async () => {
  const gate = new Gate<void>();
  const rt = new Runtime();
  let done = false;
  rt.blockOn(
    future(function* () {
      spawn(
        future(function* () {
          yield* awaitable(gate);
          done = true;
        }),
      ).detach();
      yield* yieldNow();
    }),
  );
  let waker: Waker | undefined = gate.waker;
  assert.ok(waker);
  gate.open();
  waker = undefined;
  await new Promise((r) => setImmediate(r));
  assert.equal(done, true);
});

test("a root future that finishes with its budget spent still hands its value to blockOn and run", async () => {
  const spendAll = asyncFn(function* () {
    for (let i = 0; i < 128; i++) yield* consumeBudget();
    assert.equal(remainingBudget(), 0);
    return "value";
  });
  assert.equal(new Runtime().blockOn(spendAll()), "value");
  assert.equal(await new Runtime().run(spendAll()), "value");
});

test("the runtime's record of live tasks stays exact under any mix of parking, finishing and aborting: dump lists them, shutdown drops each once", () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant("spawn" as const), yields: fc.nat(3), parks: fc.boolean() }),
    fc.record({ kind: fc.constant("open" as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant("abort" as const), pick: fc.nat() }),
  );
  fc.assert(
    fc.property(fc.integer(), fc.array(op, { maxLength: 40 }), (seed, ops) => {
      const rt = new Runtime({ seed });
      // What must be alive, kept apart from the runtime: a task that parks
      // on its gate, whose gate was not opened and who was not aborted.
      const tasks: { id: number; gate: Gate<number>; parks: boolean; opened: boolean; aborted: boolean }[] = [];
      const handles: JoinHandle<number>[] = [];
      const settle = (): void =>
        rt.blockOn(
          future(function* () {
            while (rt.metrics().runQueueDepth > 0) yield* yieldNow();
          }),
        );
      const expected = (): number[] =>
        tasks
          .filter((t) => t.parks && !t.opened && !t.aborted)
          .map((t) => t.id)
          .sort((a, b) => a - b);
      for (const o of ops) {
        if (o.kind === "spawn") {
          const gate = new Gate<number>();
          const h = rt.spawn(
            future(function* () {
              for (let i = 0; i < o.yields; i++) yield* yieldNow();
              return o.parks ? yield* awaitable(gate) : 0;
            }),
          );
          handles.push(h);
          tasks.push({ id: h.id, gate, parks: o.parks, opened: false, aborted: false });
        } else if (tasks.length > 0) {
          const t = tasks[o.pick % tasks.length];
          const h = handles[o.pick % tasks.length];
          if (t === undefined || h === undefined) continue;
          if (o.kind === "open") {
            t.opened = true;
            t.gate.open(1);
          } else {
            t.aborted = true;
            h.abort();
          }
        }
        settle();
        assert.deepEqual(
          rt.dump().tasks.map((d) => d.id),
          expected(),
        );
        assert.equal(rt.aliveTasks, expected().length);
      }
      const parked = tasks.filter((t) => expected().includes(t.id));
      for (const t of parked) assert.equal(t.gate.disposed, 0);
      rt.shutdown();
      for (const t of parked)
        assert.equal(t.gate.disposed, 1, `task #${t.id}'s gate was dropped ${t.gate.disposed} times`);
      assert.equal(rt.aliveTasks, 0);
      assert.ok(handles.every((h) => h.isFinished()));
    }),
    { numRuns: 150 },
  );
});

test("a SlotSet holds exactly what was added and not deleted, whatever the order", () => {
  const op = fc.record({ add: fc.boolean(), item: fc.nat(15) });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
      const items = Array.from({ length: 16 }, () => ({ slot: NO_SLOT }));
      const set = new SlotSet<{ slot: number }>();
      const reference = new Set<{ slot: number }>();
      for (const { add, item } of ops) {
        const x = items[item];
        if (x === undefined) continue;
        if (add) {
          set.add(x);
          reference.add(x);
        } else {
          set.delete(x);
          reference.delete(x);
        }
        assert.equal(set.size, reference.size);
        assert.deepEqual(new Set(set), reference);
        for (const y of items) assert.equal(y.slot !== NO_SLOT, reference.has(y));
      }
    }),
  );
});

// The built package on any engine: `node scripts/portable-smoke.mjs`,
// `bun scripts/portable-smoke.mjs`, `deno run scripts/portable-smoke.mjs`.
// It imports dist/index.js (run `npm run build` first) and runs a few real
// programs, checking what each returns; it uses nothing but the language
// and what every engine has (timers, AbortController), no Node API. CI runs
// it on Node 22, 24 and 26, Bun and Deno (.ci/run). Plain JavaScript, no
// `using`: Node 22 cannot parse it.

import {
  asyncFn,
  CancellationToken,
  fromIterable,
  fromPromise,
  future,
  JoinError,
  mpsc,
  now,
  Runtime,
  StallError,
  select,
  sleep,
  spawn,
  TimeoutError,
  timeout,
  toPromise,
  yieldNow,
} from "../dist/index.js";

const engine =
  typeof globalThis.Deno === "object"
    ? `Deno ${globalThis.Deno.version.deno}`
    : typeof globalThis.Bun === "object"
      ? `Bun ${globalThis.Bun.version}`
      : `Node ${globalThis.process?.version}`;

const programs = [];
const program = (name, body) => programs.push({ name, body });

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
}

const worker = asyncFn(function* (id, ms) {
  yield* sleep(ms);
  yield* yieldNow();
  return id;
});

program("tasks and virtual time: two sleepers joined, the clock jumps", () => {
  const rt = new Runtime({ clock: "virtual" });
  const got = rt.blockOn(
    future(function* () {
      const a = spawn(worker(1, 500));
      const b = spawn(worker(2, 3_600_000));
      return [(yield* a) + (yield* b), now().ms];
    }),
  );
  equal(got, [3, 3_600_000], "sum and clock");
});

program("the real clock: rt.run waits on a host timer", async () => {
  const rt = new Runtime();
  const started = Date.now();
  const got = await rt.run(worker(7, 20));
  equal(got, 7, "value");
  if (Date.now() - started < 15) throw new Error("a 20 ms sleep finished early");
});

program("channels: ping-pong over two mpsc channels of capacity 1", () => {
  const rt = new Runtime();
  const got = rt.blockOn(
    future(function* () {
      const [ping, pings] = mpsc.channel(1);
      const [pong, pongs] = mpsc.channel(1);
      spawn(
        future(function* () {
          for (let n = yield* pings.recv(); n !== undefined; n = yield* pings.recv()) yield* pong.send(n + 1);
          pong[Symbol.dispose]();
        }),
      ).detach();
      let total = 0;
      for (let i = 0; i < 100; i++) {
        yield* ping.send(i);
        total += yield* pongs.recv();
      }
      ping[Symbol.dispose]();
      return [total, yield* pongs.recv()];
    }),
  );
  equal(got, [5050, undefined], "round trips");
});

program("select drops the loser, whose finally runs", () => {
  const log = [];
  const slow = future(function* () {
    try {
      yield* sleep(1_000);
    } finally {
      log.push(`slow dropped at ${now().ms}`);
    }
  });
  const rt = new Runtime({ clock: "virtual" });
  const got = rt.blockOn(select(slow, worker("fast", 10)));
  equal([got.index, got.value, log], [1, "fast", ["slow dropped at 10"]], "select");
});

program("abort: a cancelled task's JoinError", () => {
  const rt = new Runtime({ clock: "virtual" });
  const got = rt.blockOn(
    future(function* () {
      const h = spawn(worker(1, 1_000));
      yield* sleep(1);
      h.abort();
      try {
        yield* h;
        return "not cancelled";
      } catch (e) {
        return e instanceof JoinError && e.isCancelled();
      }
    }),
  );
  equal(got, true, "cancelled");
});

program("streams: filter, map to futures, bufferUnordered, collect", () => {
  const rt = new Runtime({ clock: "virtual" });
  const got = rt.blockOn(
    fromIterable([3, 1, 4, 5])
      .filter((n) => n !== 5)
      .map((n) => worker(n, n * 10))
      .bufferUnordered(2)
      .collect(),
  );
  equal(got, [1, 3, 4], "items in the order they finished");
});

program("promises both ways: a timeout aborts fromPromise's signal", async () => {
  let aborted = false;
  const reply = fromPromise(
    (signal) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve("late"), 5_000);
        signal.addEventListener("abort", () => {
          aborted = true;
          clearTimeout(timer);
        });
      }),
  );
  const got = await toPromise(
    future(function* () {
      try {
        return yield* timeout(20, reply);
      } catch (e) {
        return e instanceof TimeoutError ? "timed out" : String(e);
      }
    }),
  );
  equal([got, aborted], ["timed out", true], "timeout and abort");
});

program("a CancellationToken as an AbortSignal", () => {
  const token = new CancellationToken();
  const signal = token.toAbortSignal();
  token.cancel();
  equal(signal.aborted, true, "aborted");
});

program("blockOn names what a stalled task waits on", () => {
  const rt = new Runtime();
  try {
    rt.blockOn(mpsc.channel(1)[1].recv());
    throw new Error("no StallError");
  } catch (e) {
    if (!(e instanceof StallError)) throw e;
    equal(
      e.waiting.map((t) => t.waitingOn),
      ["mpsc Receiver.recv"],
      "waiting on",
    );
  }
});

let failed = 0;
for (const { name, body } of programs) {
  try {
    await body();
    console.log(`ok      ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAILED  ${name}: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  }
}
console.log(`portable smoke on ${engine}: ${programs.length - failed} of ${programs.length} programs passed`);
if (failed > 0) throw new Error(`${failed} portable smoke programs failed on ${engine}`);

// The Node stream adapters: reads wait for 'readable' and writes for
// 'drain', every wait undoes itself when dropped, and a failed or closed
// stream is a typed IoError, never a hang.

import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { PassThrough, Readable, Writable } from "node:stream";
import { test } from "node:test";
import fc from "fast-check";
import { future, noopWaker, PENDING, Runtime, sleep, spawn, TimeoutError, timeout, yieldNow } from "../../src/index.js";
import {
  fromDuplex,
  fromReadable,
  fromWritable,
  IoError,
  once,
  read,
  readExact,
  readToEnd,
  shutdown,
  writeAll,
} from "../../src/io/index.js";

const cx = { waker: noopWaker() };

test("a read dropped mid-wait removes its 'data' listener", () => {
  const stream = new PassThrough();
  const before = stream.listenerCount("data");
  const r = fromReadable(stream);
  const f = read(r, new Uint8Array(8));
  assert.equal(f.poll(cx), PENDING);
  assert.equal(stream.listenerCount("data"), before + 1, "listening while it waits");
  f[Symbol.dispose]();
  assert.equal(stream.listenerCount("data"), before);
  r[Symbol.dispose]();
  for (const event of ["end", "error", "close"]) assert.equal(stream.listenerCount(event), 0, event);
});

test("a write dropped while waiting for 'drain' removes its listener", () => {
  const slow = new Writable({ highWaterMark: 4, write: () => {} }); // never completes a write
  const w = fromWritable(slow);
  const f = writeAll(w, Buffer.alloc(16));
  assert.equal(f.poll(cx), undefined, "the first write is accepted whole");
  const g = writeAll(w, Buffer.alloc(1));
  assert.equal(g.poll(cx), PENDING, "over the high-water mark: waits for 'drain'");
  assert.equal(slow.listenerCount("drain"), 1);
  g[Symbol.dispose]();
  assert.equal(slow.listenerCount("drain"), 0);
  w[Symbol.dispose]();
  assert.equal(slow.listenerCount("error") + slow.listenerCount("close") + slow.listenerCount("finish"), 0);
});

test("a read of an errored stream throws an IoError carrying Node's code", async () => {
  const rt = new Runtime();
  const stream = new PassThrough();
  const err = await rt.run(
    future(function* () {
      const r = fromReadable(stream, { name: "Source" });
      setTimeout(() => stream.destroy(Object.assign(new Error("boom"), { code: "ECONNRESET" })), 1);
      try {
        yield* read(r, new Uint8Array(4));
        return undefined;
      } catch (e) {
        return e;
      }
    }),
  );
  assert.ok(err instanceof IoError);
  assert.equal(err.code, "ECONNRESET");
  assert.match(err.message, /Source\.read/);
});

test("a write to a destroyed stream fails at once with an IoError", () => {
  const sink = new PassThrough();
  const w = fromWritable(sink);
  sink.destroy();
  assert.throws(
    () => writeAll(w, Buffer.from("x")).poll(cx),
    (e: unknown) => e instanceof IoError,
  );
});

test("a write waiting for 'drain' when the stream fails is woken and throws", async () => {
  const rt = new Runtime();
  const slow = new Writable({ highWaterMark: 4, write: () => {} });
  const result = await rt.run(
    future(function* () {
      const w = fromWritable(slow);
      setTimeout(() => slow.destroy(Object.assign(new Error("peer gone"), { code: "EPIPE" })), 5);
      try {
        yield* writeAll(w, Buffer.alloc(16));
        yield* writeAll(w, Buffer.alloc(16)); // waits for a 'drain' that never comes
        return "written";
      } catch (e) {
        return e instanceof IoError ? e.code : e;
      }
    }),
  );
  assert.equal(result, "EPIPE");
});

test("a slow reader makes writeAll wait, and nothing is lost", async () => {
  const rt = new Runtime();
  const received: Buffer[] = [];
  let writes = 0;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      writes++;
      received.push(chunk);
      setTimeout(done, 1);
    },
  });
  const total = 64 * 1024;
  const payload = Buffer.alloc(total, 0);
  for (let i = 0; i < total; i++) payload[i] = i & 0xff;
  let waitedForDrain = 0;
  slow.on("drain", () => waitedForDrain++);
  await rt.run(
    future(function* () {
      const w = fromWritable(slow);
      for (let at = 0; at < total; at += 4096) yield* writeAll(w, payload.subarray(at, at + 4096));
      yield* shutdown(w);
    }),
  );
  assert.ok(waitedForDrain > 0, "the writer waited for 'drain'");
  assert.ok(writes > 1);
  assert.deepEqual(Buffer.concat(received), payload);
});

test("readExact at an early end throws UNEXPECTED_EOF; readToEnd collects every chunk", async () => {
  const rt = new Runtime();
  const [err, all] = await rt.run(
    future(function* () {
      const short = fromReadable(Readable.from([Buffer.from("abc")]));
      let caught: unknown;
      try {
        yield* readExact(short, new Uint8Array(5));
      } catch (e) {
        caught = e;
      }
      const long = fromReadable(Readable.from([Buffer.from("he"), Buffer.from("llo")]));
      return [caught, Buffer.from(yield* readToEnd(long)).toString()] as const;
    }),
  );
  assert.ok(err instanceof IoError);
  assert.equal(err.code, "UNEXPECTED_EOF");
  assert.equal(all, "hello");
});

test("fast-check: bytes pushed in any chunking are read back whole, whatever the read sizes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
      async (chunks, sizes) => {
        const stream = new PassThrough({ highWaterMark: 16 });
        const rt = new Runtime();
        const got = await rt.run(
          future(function* () {
            const r = fromReadable(stream);
            const feeder = spawn(
              future(function* () {
                const w = fromWritable(stream);
                for (const c of chunks) yield* writeAll(w, Buffer.from(c));
                yield* shutdown(w);
              }),
            );
            const out: number[] = [];
            for (let i = 0; ; i++) {
              const buf = new Uint8Array(sizes[i % sizes.length] ?? 1);
              const n = yield* read(r, buf);
              if (n === 0) break;
              out.push(...buf.subarray(0, n));
            }
            yield* feeder;
            return out;
          }),
        );
        assert.deepEqual(
          got,
          chunks.flatMap((c) => [...c]),
        );
      },
    ),
    { numRuns: 40 },
  );
});

test("once() yields the event's arguments and removes its listeners", async () => {
  const rt = new Runtime();
  const e = new EventEmitter();
  const args = await rt.run(
    future(function* () {
      setTimeout(() => e.emit("ready", 1, 2), 1);
      return yield* once(e, "ready");
    }),
  );
  assert.deepEqual(args, [1, 2]);
  assert.equal(e.listenerCount("ready") + e.listenerCount("error") + e.listenerCount("close"), 0);
});

test("once() dropped mid-wait removes its listeners", () => {
  const e = new EventEmitter();
  const f = once(e, "ready");
  assert.equal(f.poll(cx), PENDING);
  assert.equal(e.listenerCount("ready"), 1);
  f[Symbol.dispose]();
  assert.equal(e.listenerCount("ready") + e.listenerCount("error") + e.listenerCount("close"), 0);
  e.emit("ready"); // nobody listens: no effect, no throw
});

test("once() fails when the emitter errors or closes first", () => {
  const e = new EventEmitter();
  const a = once(e, "drain");
  const b = once(e, "drain");
  a.poll(cx);
  b.poll(cx);
  e.emit("error", new Error("boom"));
  assert.throws(() => a.poll(cx), /boom/);
  const c = once(e, "drain");
  c.poll(cx);
  e.emit("close");
  assert.throws(
    () => c.poll(cx),
    (err: unknown) => err instanceof IoError && err.code === "ERR_STREAM_PREMATURE_CLOSE",
  );
});

test("virtual time does not skip past a pending read: the timeout waits for the host", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const stream = new PassThrough();
  const got = await rt.run(
    future(function* () {
      const r = fromReadable(stream);
      setTimeout(() => stream.write("late but real"), 20);
      try {
        const buf = new Uint8Array(32);
        const n = yield* timeout(1000, read(r, buf));
        return Buffer.from(buf.subarray(0, n)).toString();
      } catch (e) {
        return e instanceof TimeoutError ? "timed out in virtual time" : e;
      }
    }),
  );
  assert.equal(got, "late but real");
});

test("a dropped read ends its host operation: virtual time moves on", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const stream = new PassThrough();
  const result = await rt.run(
    future(function* () {
      const r = fromReadable(stream);
      const reading = read(r, new Uint8Array(4));
      const waited = reading.poll({ waker: noopWaker() }) === PENDING;
      reading[Symbol.dispose]();
      yield* yieldNow();
      yield* sleep(60_000); // would wait for the host if the read still held time
      return waited;
    }),
  );
  assert.equal(result, true);
});

test("fromDuplex reads and writes one stream, and its drop leaves no listener behind", async () => {
  const rt = new Runtime();
  const stream = new PassThrough();
  const got = await rt.run(
    future(function* () {
      const io = fromDuplex(stream);
      yield* writeAll(io, Buffer.from("round trip"));
      const back = Buffer.from(yield* readExact(io, new Uint8Array(10))).toString();
      io[Symbol.dispose]();
      return back;
    }),
  );
  assert.equal(got, "round trip");
  for (const event of ["data", "end", "error", "close", "drain", "finish"]) {
    assert.equal(stream.listenerCount(event), 0, event);
  }
});

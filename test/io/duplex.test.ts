// The in-memory pipe and the utilities built on the poll interfaces:
// backpressure without loss, whatever the chunking; drop in the middle of
// a wait; the end of the stream and a dropped peer.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { future, noopWaker, PENDING, Runtime, spawn } from "../../src/index.js";
import {
  BufReader,
  BufWriter,
  copy,
  copyBidirectional,
  duplex,
  IoError,
  lines,
  read,
  readExact,
  readLine,
  readToEnd,
  shutdown,
  split,
  write,
  writeAll,
} from "../../src/io/index.js";

const cx = { waker: noopWaker() };
const text = (b: Uint8Array): string => Buffer.from(b).toString();

test("a full pipe makes writeAll wait until the reader makes room (backpressure)", () => {
  const [a, b] = duplex(4);
  const w = writeAll(a, Buffer.from("abcdefgh"));
  assert.equal(w.poll(cx), PENDING, "four bytes fit, four wait");
  const buf = new Uint8Array(8);
  assert.equal(read(b, buf).poll(cx), 4);
  assert.equal(w.poll(cx), undefined, "room made: the rest goes in");
  assert.equal(read(b, buf.subarray(4)).poll(cx), 4);
  assert.equal(text(buf), "abcdefgh");
});

test("fast-check: any chunking through any capacity arrives whole and in order", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 32 }),
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 15 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 0, max: 1000 }),
      async (capacity, chunks, readSizes, seed) => {
        const rt = new Runtime({ clock: "virtual", seed });
        const got = await rt.run(
          future(function* () {
            const [a, b] = duplex(capacity);
            const writer = spawn(
              future(function* () {
                for (const c of chunks) yield* writeAll(a, c);
                yield* shutdown(a);
              }),
            );
            const out: number[] = [];
            for (let i = 0; ; i++) {
              const buf = new Uint8Array(readSizes[i % readSizes.length] ?? 1);
              const n = yield* read(b, buf);
              if (n === 0) break;
              for (let j = 0; j < n; j++) out.push(buf[j] ?? -1);
            }
            yield* writer;
            return out;
          }),
        );
        assert.deepEqual(
          got,
          chunks.flatMap((c) => [...c]),
        );
      },
    ),
    { numRuns: 100 },
  );
});

test("a write to a pipe whose other end was dropped fails with EPIPE, a waiting one too", () => {
  const [a, b] = duplex(2);
  const waiting = writeAll(a, Buffer.from("abcd"));
  assert.equal(waiting.poll(cx), PENDING);
  b[Symbol.dispose]();
  assert.throws(
    () => waiting.poll(cx),
    (e: unknown) => e instanceof IoError && e.code === "EPIPE",
  );
  assert.throws(
    () => write(a, Buffer.from("x")).poll(cx),
    (e: unknown) => e instanceof IoError && e.code === "EPIPE",
  );
});

test("a read dropped mid-wait loses nothing: the next read gets the bytes", () => {
  const [a, b] = duplex(8);
  const first = read(b, new Uint8Array(4));
  assert.equal(first.poll(cx), PENDING);
  first[Symbol.dispose]();
  assert.equal(write(a, Buffer.from("hi")).poll(cx), 2);
  const buf = new Uint8Array(4);
  assert.equal(read(b, buf).poll(cx), 2);
  assert.equal(text(buf.subarray(0, 2)), "hi");
});

test("an I/O future polled after it completed throws a clear error", () => {
  const [a] = duplex(8);
  const w = write(a, Buffer.from("x"));
  w.poll(cx);
  assert.throws(() => w.poll(cx), /polled after it completed/);
});

test("bad arguments are TypeErrors and RangeErrors that say what is allowed", () => {
  assert.throws(() => duplex(0), RangeError);
  // @ts-expect-error: a string is not a capacity
  assert.throws(() => duplex("8"), TypeError);
  // @ts-expect-error: not a reader
  assert.throws(() => read({}, new Uint8Array(1)), /expected an AsyncRead/);
  const [a] = duplex(8);
  // @ts-expect-error: not bytes
  assert.throws(() => writeAll(a, "text"), /must be a Uint8Array/);
});

test("readLine and lines split on \\n and \\r\\n, keep a last line without newline, and end", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const [first, rest] = await rt.run(
    future(function* () {
      const [a, b] = duplex(5); // lines cross the pipe in pieces
      const writer = spawn(
        future(function* () {
          yield* writeAll(a, Buffer.from("one\r\ntwo\nthree"));
          yield* shutdown(a);
        }),
      );
      const r = new BufReader(b, 3);
      const line = yield* readLine(r);
      const others = yield* lines(r).collect();
      yield* writer;
      return [line, others] as const;
    }),
  );
  assert.equal(first, "one");
  assert.deepEqual(rest, ["two", "three"]);
});

test("a line longer than maxLength is an IoError, not an unbounded buffer", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const err = await rt.run(
    future(function* () {
      const [a, b] = duplex(64);
      yield* writeAll(a, Buffer.alloc(40, 97));
      try {
        yield* readLine(new BufReader(b, 8), { maxLength: 16 });
      } catch (e) {
        return e;
      }
    }),
  );
  assert.ok(err instanceof IoError);
  assert.equal(err.code, "LINE_TOO_LONG");
});

test("BufWriter gathers writes and keeps no reference to the caller's bytes", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const got = await rt.run(
    future(function* () {
      const [a, b] = duplex(1024);
      const reader = spawn(readToEnd(b));
      const w = new BufWriter(a, 16);
      const scratch = Buffer.alloc(3);
      for (const word of ["abc", "def", "ghi", "jkl", "mno", "pqr", "stu"]) {
        scratch.write(word); // reused every time
        yield* writeAll(w, scratch);
      }
      yield* shutdown(w);
      return text(yield* reader);
    }),
  );
  assert.equal(got, "abcdefghijklmnopqrstu");
});

test("copy moves everything and a slow writer slows it down; copyBidirectional half-closes both ways", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const [copied, back, both] = await rt.run(
    future(function* () {
      const [a, b] = duplex(7);
      const [c, d] = duplex(3);
      const payload = Buffer.alloc(1000, 120);
      const out = spawn(readToEnd(d));
      const copying = spawn(copy(b, c));
      yield* writeAll(a, payload);
      yield* shutdown(a);
      const n = yield* copying;
      yield* shutdown(c);
      const received = (yield* out).length;

      const [x, y] = duplex(16);
      const [p, q] = duplex(16);
      const proxy = spawn(copyBidirectional(y, p));
      const [yr, yw] = split(x);
      const [qr, qw] = split(q);
      yield* writeAll(yw, Buffer.from("request"));
      yield* shutdown(yw);
      const atQ = text(yield* readToEnd(qr));
      yield* writeAll(qw, Buffer.from("reply!"));
      yield* shutdown(qw);
      const atX = text(yield* readToEnd(yr));
      const counts = yield* proxy;
      return [n, received, [atQ, atX, counts]] as const;
    }),
  );
  assert.equal(copied, 1000);
  assert.equal(back, 1000);
  assert.deepEqual(both, ["request", "reply!", [7, 6]]);
});

test("readExact on a pipe: exact bytes, UNEXPECTED_EOF when it ends early", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const [ok, err] = await rt.run(
    future(function* () {
      const [a, b] = duplex(2);
      const writer = spawn(writeAll(a, Buffer.from("12345")));
      const five = text(yield* readExact(b, new Uint8Array(5)));
      yield* writer;
      yield* shutdown(a);
      try {
        yield* readExact(b, new Uint8Array(1));
      } catch (e) {
        return [five, e] as const;
      }
      return [five, undefined] as const;
    }),
  );
  assert.equal(ok, "12345");
  assert.ok(err instanceof IoError && err.code === "UNEXPECTED_EOF");
});

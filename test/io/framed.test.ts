// Framed with its two codecs: frames survive any chunking, hostile headers
// are refused before anything is buffered, and a stream that ends inside a
// frame says so.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { future, noopWaker, PENDING, Runtime, spawn } from "../../src/index.js";
import {
  DecodeBuffer,
  duplex,
  Framed,
  IoError,
  LengthDelimitedCodec,
  LinesCodec,
  shutdown,
  writeAll,
} from "../../src/io/index.js";

test("fast-check: length-delimited frames written in any chunking decode to the same frames", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 10 }),
      fc.integer({ min: 1, max: 17 }),
      async (frames, capacity) => {
        const rt = new Runtime({ clock: "virtual" });
        const got = await rt.run(
          future(function* () {
            const [a, b] = duplex(capacity);
            const sender = new Framed(a, new LengthDelimitedCodec());
            const receiver = new Framed(b, new LengthDelimitedCodec());
            const sending = spawn(
              future(function* () {
                for (const f of frames) sender.feed(f);
                yield* sender.close();
              }),
            );
            const out: number[][] = [];
            for (let f = yield* receiver.next(); f !== undefined; f = yield* receiver.next()) out.push([...f]);
            yield* sending;
            return out;
          }),
        );
        assert.deepEqual(
          got,
          frames.map((f) => [...f]),
        );
      },
    ),
    { numRuns: 60 },
  );
});

test("a length header over maxFrameLength is refused before the frame is buffered", () => {
  const codec = new LengthDelimitedCodec({ maxFrameLength: 1024 });
  const buf = new DecodeBuffer();
  buf.append(Uint8Array.of(0xff, 0xff, 0xff, 0xff)); // 4 GiB announced
  assert.throws(
    () => codec.decode(buf),
    (e: unknown) => e instanceof IoError && e.code === "FRAME_TOO_LONG",
  );
});

test("a stream that ends inside a frame is UNEXPECTED_EOF; lines keep a last line without newline", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const [err, all] = await rt.run(
    future(function* () {
      const [a, b] = duplex(64);
      yield* writeAll(a, Uint8Array.of(0, 0, 0, 9, 1, 2));
      yield* shutdown(a);
      const framed = new Framed(b, new LengthDelimitedCodec());
      let caught: unknown;
      try {
        yield* framed.next();
      } catch (e) {
        caught = e;
      }
      const [c, d] = duplex(4);
      const writer = spawn(
        future(function* () {
          yield* writeAll(c, Buffer.from("alpha\nbeta\r\ngamma"));
          yield* shutdown(c);
        }),
      );
      const ls = new Framed(d, new LinesCodec());
      const lines: string[] = [];
      for (let l = yield* ls.next(); l !== undefined; l = yield* ls.next()) lines.push(l);
      yield* writer;
      return [caught, lines] as const;
    }),
  );
  assert.ok(err instanceof IoError && err.code === "UNEXPECTED_EOF");
  assert.deepEqual(all, ["alpha", "beta", "gamma"]);
});

test("feed then flush writes a whole batch in one write", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const writes: number[] = [];
  await rt.run(
    future(function* () {
      const [a, b] = duplex(4096);
      const counting = {
        pollRead: a.pollRead.bind(a),
        pollWrite: (cx: Parameters<typeof a.pollWrite>[0], bytes: Uint8Array) => {
          writes.push(bytes.length);
          return a.pollWrite(cx, bytes);
        },
        pollFlush: a.pollFlush.bind(a),
        pollShutdown: a.pollShutdown.bind(a),
      };
      const framed = new Framed(counting, new LinesCodec());
      for (let i = 0; i < 100; i++) framed.feed(`reply ${i}`);
      yield* framed.flush();
      b[Symbol.dispose]();
    }),
  );
  assert.equal(writes.length, 1);
});

test("Framed.next() dropped in the middle of a frame loses nothing: the next call finishes it", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const got = await rt.run(
    future(function* () {
      const [a, b] = duplex(64);
      const framed = new Framed(b, new LinesCodec());
      yield* writeAll(a, Buffer.from("half a li"));
      const first = framed.next();
      const waited = first.poll({ waker: noopWaker() }) === PENDING; // took the bytes, no newline yet
      first[Symbol.dispose]();
      yield* writeAll(a, Buffer.from("ne\nnext\n"));
      return [waited, yield* framed.next(), yield* framed.next()];
    }),
  );
  assert.deepEqual(got, [true, "half a line", "next"]);
});

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { FsOperation } from "../../src/fs/fs-operation.js";
import {
  createDir,
  File,
  metadata,
  readDir,
  readFile,
  readToString,
  remove,
  rename,
  type SeekFrom,
  writeFile,
} from "../../src/fs/index.js";
import { type AsyncBody, future, noopWaker, PENDING, Runtime, stream, time, timeout } from "../../src/index.js";
import { IoError, readToEnd } from "../../src/io/index.js";

const dir = mkdtempSync(join(tmpdir(), "mini-tokio-fs-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name = "f") => join(dir, `${name}-${n++}`);
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function run<T>(body: () => AsyncBody<T>, rt = new Runtime()): Promise<T> {
  try {
    return await rt.run(future(body));
  } finally {
    rt.shutdown();
  }
}

/** Settles the host's pending fs callbacks (a few event-loop turns). */
const settle = () => new Promise((r) => setTimeout(r, 20));

test("writeFile, readFile and readToString round-trip bytes and text", async () => {
  const p = fresh();
  const [b, s] = await run(function* () {
    yield* writeFile(p, "héllo");
    return [yield* readFile(p), yield* readToString(p)] as const;
  });
  assert.equal(text(b), "héllo");
  assert.equal(s, "héllo");
});

test("a missing file is an IoError with Node's code ENOENT", async () => {
  const e = await run(function* () {
    try {
      yield* readFile(join(dir, "missing"));
    } catch (error) {
      return error;
    }
  });
  assert.ok(e instanceof IoError);
  assert.equal(e.code, "ENOENT");
  assert.match(e.message, /fs\.readFile\(.*missing\) failed/);
});

test("metadata, rename, createDir (recursive) and remove (file, empty dir, tree)", async () => {
  const a = fresh("a");
  const b = fresh("b");
  const tree = join(fresh("tree"), "x", "y");
  await run(function* () {
    yield* writeFile(a, bytes("1234"));
    assert.equal((yield* metadata(a)).size, 4);
    yield* rename(a, b);
    yield* createDir(tree, { recursive: true });
    yield* createDir(tree, { recursive: true }); // exists: fine when recursive
    yield* remove(b);
    yield* remove(tree); // an empty directory
    yield* remove(join(tree, ".."), { recursive: true });
  });
  for (const gone of [a, b, tree]) {
    await assert.rejects(
      run(function* () {
        return yield* metadata(gone);
      }),
      (e: unknown) => e instanceof IoError && e.code === "ENOENT",
    );
  }
  await assert.rejects(
    run(function* () {
      yield* createDir(dir);
    }),
    (e: unknown) => e instanceof IoError && e.code === "EEXIST",
  );
});

test("readDir streams every entry, then ends, and closes the directory", async () => {
  const d = fresh("dir");
  await run(function* () {
    yield* createDir(d);
    for (const name of ["a", "b", "c"]) yield* writeFile(join(d, name), name);
    yield* createDir(join(d, "sub"));
  });
  const entries = await run(function* () {
    return yield* stream(readDir(d))
      .map((e) => `${e.name}${e.isDirectory() ? "/" : ""}`)
      .collect();
  });
  assert.deepEqual(entries.sort(), ["a", "b", "c", "sub/"]);
  const missing = await run(function* () {
    try {
      yield* readDir(join(d, "nope")).nextEntry();
    } catch (e) {
      return e;
    }
  });
  assert.ok(missing instanceof IoError && missing.code === "ENOENT");
});

test("a dropped readDir closes its directory, even with a read in flight", async () => {
  const d = fresh("dir");
  await run(function* () {
    yield* createDir(d);
    yield* writeFile(join(d, "a"), "a");
  });
  const before = process.getActiveResourcesInfo().length;
  const rd = readDir(d);
  assert.equal(rd.pollNext({ waker: noopWaker() }), PENDING);
  rd[Symbol.dispose]();
  rd[Symbol.dispose]();
  assert.equal(rd.pollNext({ waker: noopWaker() }), undefined);
  await settle();
  await settle();
  assert.ok(process.getActiveResourcesInfo().length <= before);
});

test("File: write, flush, seek and read back; the position is exact", async () => {
  const p = fresh();
  const out = await run(function* () {
    using f = yield* File.open(p, { read: true, write: true, create: true });
    yield* f.writeAll(bytes("hello world"));
    yield* f.flush();
    assert.equal(yield* f.seek(6), 6);
    const buf = new Uint8Array(5);
    assert.equal(yield* f.read(buf), 5);
    assert.equal(yield* f.seek(0, "current"), 11);
    assert.equal(yield* f.read(new Uint8Array(4)), 0, "0 at the end");
    assert.equal(yield* f.seek(-5, "end"), 6);
    yield* f.writeAll(bytes("WORLD"));
    yield* f.syncAll();
    assert.equal((yield* f.metadata()).size, 11);
    yield* f.seek(0);
    return [text(buf), text(yield* readToEnd(f))];
  });
  assert.deepEqual(out, ["world", "hello WORLD"]);
});

test("File: a write after a partial read goes where the reader stopped, not past the read-ahead", async () => {
  const p = fresh();
  writeFileSync(p, "abcdefgh");
  await run(function* () {
    using f = yield* File.open(p, { read: true, write: true });
    const two = new Uint8Array(2);
    yield* f.read(two); // the file read ahead all 8 bytes; 2 were handed out
    yield* f.writeAll(bytes("XY"));
    yield* f.flush();
  });
  assert.equal(readFileSync(p, "utf8"), "abXYefgh");
});

test("File: writes bigger than one chunk are written whole", async () => {
  const p = fresh();
  const big = new Uint8Array(200_000).map((_, i) => i % 251);
  await run(function* () {
    using f = yield* File.create(p);
    yield* f.writeAll(big);
    yield* f.flush();
  });
  assert.deepEqual(new Uint8Array(readFileSync(p)), big);
});

test("File: append and createNew behave as their flags say", async () => {
  const p = fresh();
  writeFileSync(p, "one\n");
  await run(function* () {
    using f = yield* File.open(p, { append: true });
    yield* f.seek(0); // appending ignores the position
    yield* f.writeAll(bytes("two\n"));
    yield* f.flush();
  });
  assert.equal(readFileSync(p, "utf8"), "one\ntwo\n");
  await assert.rejects(
    run(function* () {
      yield* File.open(p, { write: true, createNew: true });
    }),
    (e: unknown) => e instanceof IoError && e.code === "EEXIST",
  );
});

test("File: dropping a read mid-flight never writes into the dropped buffer; the bytes go to the next read", async () => {
  const p = fresh();
  writeFileSync(p, "0123456789");
  const rt = new Runtime();
  const [lent, next] = await run(function* () {
    using f = yield* File.open(p);
    const lent = new Uint8Array(4).fill(0xee);
    const r = f.read(lent);
    assert.equal(r.poll({ waker: noopWaker() }), PENDING); // the read is in flight
    r[Symbol.dispose]();
    const next = new Uint8Array(10);
    const got = yield* f.read(next);
    return [lent, text(next.subarray(0, got))] as const;
  }, rt);
  assert.deepEqual([...lent], [0xee, 0xee, 0xee, 0xee], "the dropped future's buffer was not touched");
  assert.equal(next, "0123456789", "no byte was lost");
});

test("File: a dropped open closes the file that opens afterwards (no descriptor leaks)", async (t) => {
  if (!existsSync("/proc/self/fd")) return t.skip("needs /proc/self/fd to count descriptors");
  const p = fresh();
  writeFileSync(p, "x");
  const fds = () => readdirSync("/proc/self/fd").length;
  await settle(); // let earlier tests' closes land
  const before = fds();
  for (let i = 0; i < 5; i++) {
    const open = File.open(p);
    assert.equal(open.poll({ waker: noopWaker() }), PENDING);
    open[Symbol.dispose]();
  }
  await settle();
  assert.ok(fds() <= before, `${fds()} descriptors open, ${before} before`);
  // And a File dropped with a read in flight closes once the read is done.
  await run(function* () {
    const f = yield* File.open(p);
    assert.equal(f.read(new Uint8Array(1)).poll({ waker: noopWaker() }), PENDING);
    f[Symbol.dispose]();
  });
  await settle();
  assert.ok(fds() <= before, `${fds()} descriptors open, ${before} before`);
});

test("File: an fs call holds virtual time still, so a timeout cannot fire before the disk answers", async () => {
  const p = fresh();
  writeFileSync(p, "data");
  const got = await run(
    function* () {
      return text(yield* timeout(1, readFile(p)));
    },
    new Runtime({ clock: "virtual" }),
  );
  assert.equal(got, "data");
  assert.ok(time);
});

test("bad input is refused at the call", () => {
  assert.throws(() => File.open(""), /non-empty string/);
  assert.throws(() => File.open(fresh(), {}), /set read, write or append/);
  assert.throws(() => File.open(fresh(), { read: true, create: true }), /need write or append/);
  assert.throws(() => File.open(fresh(), { append: true, truncate: true }), /cannot be combined/);
  assert.throws(() => File.open(fresh(), { write: "yes" as never }), /must be a boolean/);
  assert.throws(() => File.open(new URL("https://example.com/x")), /file: URL/);
  assert.throws(() => writeFile(fresh(), 42 as never), /Uint8Array or a string/);
});

test("a dropped File refuses further use with EBADF", async () => {
  const p = fresh();
  writeFileSync(p, "x");
  await run(function* () {
    const f = yield* File.open(p);
    f[Symbol.dispose]();
    assert.throws(
      () => f.pollRead({ waker: noopWaker() }, new Uint8Array(1)),
      (e: unknown) => e instanceof IoError && e.code === "EBADF",
    );
  });
});

test("a host that calls back synchronously (as Deno's fs can) does not stall the operation", async () => {
  const got = await run(function* () {
    const sync = new FsOperation<number>("sync call", (done) => done(null, 42));
    const failing = new FsOperation<number>("sync failure", (done) =>
      done(Object.assign(new Error("nope"), { code: "EACCES" }), 0),
    );
    let code = "";
    try {
      yield* failing;
    } catch (e) {
      if (e instanceof IoError) code = e.code;
    }
    return [yield* sync, code];
  });
  assert.deepEqual(got, [42, "EACCES"]);
});

type FileStep =
  | { readonly op: "write"; readonly bytes: Uint8Array }
  | { readonly op: "read"; readonly n: number }
  | { readonly op: "seek"; readonly offset: number; readonly from: SeekFrom };

const fileStep: fc.Arbitrary<FileStep> = fc.oneof(
  fc.record({ op: fc.constant("write" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
  fc.record({ op: fc.constant("read" as const), n: fc.integer({ min: 1, max: 300 }) }),
  fc.record({
    op: fc.constant("seek" as const),
    offset: fc.integer({ min: 0, max: 400 }),
    from: fc.constantFrom<SeekFrom>("start", "current", "end"),
  }),
);

test("File behaves like an in-memory byte array under any mix of writes, reads and seeks", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fileStep, { maxLength: 25 }), async (steps) => {
      const p = fresh("model");
      let model = new Uint8Array(0);
      let pos = 0;
      await run(function* () {
        using f = yield* File.open(p, { read: true, write: true, create: true, truncate: true });
        for (const step of steps) {
          if (step.op === "write") {
            yield* f.writeAll(step.bytes);
            const end = Math.max(model.length, pos + step.bytes.length);
            const grown = new Uint8Array(end);
            grown.set(model);
            grown.set(step.bytes, pos);
            model = grown;
            pos += step.bytes.length;
          } else if (step.op === "read") {
            const buf = new Uint8Array(step.n);
            const got = yield* f.read(buf);
            const want = model.subarray(Math.min(pos, model.length), Math.min(pos + step.n, model.length));
            // A read returns what is there, possibly fewer bytes than asked; never wrong ones.
            assert.ok(got <= want.length);
            assert.deepEqual(buf.subarray(0, got), want.subarray(0, got));
            if (want.length > 0) assert.ok(got > 0, "a read with bytes left returns some");
            pos += got;
          } else {
            // Offsets count back from the current position and the end, forward from the start.
            const offset =
              step.from === "start" ? step.offset : -Math.min(step.offset, step.from === "end" ? model.length : pos);
            const base = step.from === "start" ? 0 : step.from === "current" ? pos : model.length;
            assert.equal(yield* f.seek(offset, step.from), base + offset);
            pos = base + offset;
          }
        }
        yield* f.flush();
      });
      assert.deepEqual(new Uint8Array(readFileSync(p)), model);
    }),
    { numRuns: 40 },
  );
});

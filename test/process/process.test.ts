import assert from "node:assert/strict";
import { test } from "node:test";
import { type AsyncBody, future, Runtime, sleep, spawn, TimeoutError, timeout, yieldNow } from "../../src/index.js";
import { flush, IoError, readToEnd, writeAll } from "../../src/io/index.js";
import { Command } from "../../src/process/index.js";

async function run<T>(body: () => AsyncBody<T>): Promise<T> {
  const rt = new Runtime();
  try {
    return await rt.run(future(body));
  } finally {
    rt.shutdown();
  }
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const node = process.execPath;

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resources that belong to child processes and their pipes. */
const processResources = () =>
  process.getActiveResourcesInfo().filter((r) => r === "ProcessWrap" || r === "PipeWrap" || r === "TTYWrap").length;

test("bytes written to cat's piped stdin come back on its stdout", async () => {
  const out = await run(function* () {
    using cat = new Command("cat").stdin("piped").stdout("piped").spawn();
    const stdin = cat.stdin;
    const stdout = cat.stdout;
    assert.ok(stdin !== undefined && stdout !== undefined);
    const reader = spawn(readToEnd(stdout));
    yield* writeAll(stdin, new TextEncoder().encode("echo through cat\n".repeat(5000)));
    const status = yield* cat.wait(); // closes stdin, so cat ends
    assert.equal(status.success, true);
    return text(yield* reader);
  });
  assert.equal(out, "echo through cat\n".repeat(5000));
});

test("what a child wrote before it exited is still there for a read after wait()", async () => {
  const out = await run(function* () {
    using child = new Command(node).args(["-e", "process.stdout.write('written before exit')"]).stdout("piped").spawn();
    const stdout = child.stdout;
    assert.ok(stdout !== undefined);
    yield* child.wait();
    yield* sleep(20); // Node drains unread stdio a tick after the exit
    return text(yield* readToEnd(stdout));
  });
  assert.equal(out, "written before exit");
});

test("output() collects stdout and stderr, and status() reports exit codes", async () => {
  const [out, failed] = await run(function* () {
    const out = yield* new Command(node)
      .args(["-e", "process.stdout.write('to out'); process.stderr.write('to err'); process.exit(3)"])
      .output();
    const failed = yield* new Command(node).args(["-e", "process.exit(7)"]).stdout("null").status();
    return [out, failed] as const;
  });
  assert.equal(text(out.stdout), "to out");
  assert.equal(text(out.stderr), "to err");
  assert.deepEqual(out.status, { code: 3, signal: null, success: false });
  assert.equal(failed.code, 7);
});

test("args, env, envClear and cwd reach the child", async () => {
  const out = await run(function* () {
    return yield* new Command(node)
      .args(["-e", "console.log(process.argv[1], process.env.GREETING, process.env.HOME ?? '-', process.cwd())", "a b"])
      .envClear()
      .env("GREETING", "hi")
      .cwd("/")
      .output();
  });
  assert.equal(text(out.stdout), "a b hi - /\n");
});

test("a program that does not exist fails wait() with IoError ENOENT", async () => {
  const e = await run(function* () {
    try {
      yield* new Command("/no/such/program").spawn().wait();
    } catch (error) {
      return error;
    }
  });
  assert.ok(e instanceof IoError);
  assert.equal(e.code, "ENOENT");
});

test("kill() ends the child with SIGKILL (or the signal given)", async () => {
  const [killed, termed] = await run(function* () {
    using a = new Command("sleep").arg("60").spawn();
    using b = new Command("sleep").arg("60").spawn();
    a.kill();
    b.kill("SIGTERM");
    return [yield* a.wait(), yield* b.wait()] as const;
  });
  assert.equal(killed.signal, "SIGKILL");
  assert.equal(termed.signal, "SIGTERM");
  assert.equal(killed.success, false);
});

test("killOnDrop: a task aborted while its child runs takes the child with it", async () => {
  let pid: number | undefined;
  await run(function* () {
    const task = spawn(
      future(function* () {
        using child = new Command("sleep").arg("60").killOnDrop(true).spawn();
        pid = child.pid;
        yield* child.wait();
      }),
    );
    yield* yieldNow();
    task.abort();
    yield* sleep(1);
  });
  assert.ok(pid !== undefined);
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(alive(pid), false, "the child was killed");
});

test("killOnDrop: an output() dropped by a timeout kills its child; without it the child runs on", async () => {
  const marker = `mini-tokio-${process.pid}-${Date.now()}`;
  const script = `console.log(process.pid); setTimeout(() => {}, 60000); // ${marker}`;
  const pids = await run(function* () {
    const pids: number[] = [];
    for (const kill of [true, false]) {
      using child = new Command(node).args(["-e", script]).stdout("piped").killOnDrop(kill).spawn();
      const stdout = child.stdout;
      assert.ok(stdout !== undefined && child.pid !== undefined);
      pids.push(child.pid);
      try {
        yield* timeout(100, child.wait());
      } catch (e) {
        assert.ok(e instanceof TimeoutError);
      }
    }
    return pids;
  });
  const [killed, kept] = pids;
  assert.ok(killed !== undefined && kept !== undefined);
  for (let i = 0; i < 200 && alive(killed); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(alive(killed), false, "killOnDrop(true): killed");
  assert.equal(alive(kept), true, "killOnDrop(false): still running");
  process.kill(kept, "SIGKILL");
  for (let i = 0; i < 200 && alive(kept); i++) await new Promise((r) => setTimeout(r, 10));
});

test("no handle outlives a finished child: the process and its pipes are released", async () => {
  const before = processResources();
  await run(function* () {
    for (let i = 0; i < 3; i++) {
      using child = new Command(node).args(["-e", "console.log('x'.repeat(100000))"]).stdout("piped").spawn();
      yield* child.wait(); // stdout left unread on purpose: dropping the Child closes it
    }
    yield* new Command("true").output();
  });
  for (let i = 0; i < 100 && processResources() > before; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(processResources(), before, String(process.getActiveResourcesInfo()));
});

test("a dropped wait() forgets its waker; waiting again still gets the exit", async () => {
  const status = await run(function* () {
    using child = new Command(node).args(["-e", "setTimeout(() => process.exit(4), 50)"]).spawn();
    try {
      yield* timeout(1, child.wait());
    } catch {}
    return yield* child.wait();
  });
  assert.equal(status.code, 4);
});

test("bad input is refused at the call", () => {
  assert.throws(() => new Command(""), /must not be empty/);
  assert.throws(() => new Command("ls").args("-l" as never), /array of strings/);
  assert.throws(() => new Command("ls").arg("a\0b"), /NUL/);
  assert.throws(() => new Command("ls").stdout("pipe" as never), /"piped", "inherit" or "null"/);
  assert.throws(() => new Command("ls").killOnDrop(1 as never), /boolean/);
});

test("a waiting Child.wait() holds virtual time still: a timeout cannot fire before the child exits", async () => {
  const rt = new Runtime({ clock: "virtual" });
  try {
    const status = await rt.run(
      future(function* () {
        using child = new Command(node).args(["-e", "setTimeout(() => process.exit(5), 100)"]).spawn();
        return yield* timeout(1, child.wait());
      }),
    );
    assert.equal(status.code, 5);
  } finally {
    rt.shutdown();
  }
});

test("writing to a child that exited without reading fails with an IoError; it never hangs", async () => {
  const e = await run(function* () {
    using child = new Command(node).args(["-e", "process.exit(0)"]).stdin("piped").spawn();
    const stdin = child.stdin;
    assert.ok(stdin !== undefined);
    const big = new Uint8Array(4 << 20);
    try {
      for (let i = 0; i < 8; i++) yield* writeAll(stdin, big);
      yield* sleep(50);
      yield* writeAll(stdin, big);
      yield* flush(stdin);
    } catch (error) {
      return error;
    }
  });
  assert.ok(e instanceof IoError, String(e));
  assert.match(e.code, /EPIPE|ERR_STREAM_DESTROYED|ECONNRESET/);
});

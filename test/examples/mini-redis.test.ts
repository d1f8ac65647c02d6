// mini-redis driven by the real Redis tools: redis-cli for behaviour,
// redis-benchmark for pipelined load, raw sockets for hostile input. The
// server runs in this process on a port the system picked; every test
// stops it, and no socket outlives the file.

import assert from "node:assert/strict";
import { execFile, spawn as spawnChild, spawnSync } from "node:child_process";
import net from "node:net";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { serve } from "../../examples/mini-redis/server.js";
import { CancellationToken, Runtime } from "../../src/index.js";
import { TcpListener } from "../../src/net/index.js";

const run = promisify(execFile);

/** redis-cli is needed: skip with the reason, unless CI says the tools must be there. */
const haveCli = spawnSync("redis-cli", ["--version"]).status === 0;
const haveBench = spawnSync("redis-benchmark", ["--version"]).status === 0;
const skip =
  haveCli && haveBench ? false : "redis-cli and redis-benchmark are not installed (apt-get install redis-tools)";
if (skip && process.env.CI) throw new Error(`mini-redis tests: ${skip}, and CI requires them`);
if (skip) console.log(`# SKIP mini-redis tests: ${skip}`);

const rt = new Runtime();
let stop: CancellationToken;
let serving: Promise<void>;
let port = 0;

before(async () => {
  stop = new CancellationToken();
  const listener = await rt.run(TcpListener.bind("127.0.0.1:0"));
  port = listener.localAddr().port;
  serving = rt.run(serve(listener, stop, { graceMs: 500 }));
});

after(async () => {
  stop.cancel();
  await serving;
});

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run("redis-cli", ["-p", String(port), ...args], { timeout: 10_000 });
  return stdout.trim();
}

/** Sends raw bytes on a fresh connection; resolves with everything the server sent before closing (or after `ms`). */
function raw(bytes: string | Buffer, ms = 2_000): Promise<{ reply: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ reply: Buffer.concat(chunks).toString(), closedByServer: false });
    }, ms);
    s.on("data", (c: Buffer) => chunks.push(c));
    s.on("error", reject);
    s.on("end", () => {
      clearTimeout(timer);
      s.destroy();
      resolve({ reply: Buffer.concat(chunks).toString(), closedByServer: true });
    });
    s.write(bytes);
  });
}

test("every command answers as Redis does (redis-cli)", { skip }, async () => {
  assert.equal(await cli("ping"), "PONG");
  assert.equal(await cli("echo", "hello world"), "hello world");
  assert.equal(await cli("set", "k1", "v1"), "OK");
  assert.equal(await cli("get", "k1"), "v1");
  assert.equal(await cli("set", "k1", "v2", "NX"), "");
  assert.equal(await cli("set", "k1", "v3", "XX"), "OK");
  assert.equal(await cli("set", "absent", "x", "XX"), "");
  assert.equal(await cli("get", "k1"), "v3");
  assert.equal(await cli("exists", "k1", "k1", "nope"), "2");
  assert.equal(await cli("incr", "counter"), "1");
  assert.equal(await cli("incr", "counter"), "2");
  assert.match(await cli("incr", "k1"), /not an integer/);
  assert.equal(await cli("ttl", "k1"), "-1");
  assert.equal(await cli("expire", "k1", "100"), "1");
  assert.equal(await cli("ttl", "k1"), "100");
  assert.equal(await cli("ttl", "nope"), "-2");
  assert.equal(await cli("set", "k2", "v", "EX", "50"), "OK");
  assert.equal(await cli("del", "k1", "k2", "nope"), "2");
  assert.equal(await cli("config", "get", "save"), "save");
  assert.match(await cli("frobnicate"), /unknown command 'frobnicate'/);
  assert.match(await cli("get"), /wrong number of arguments/);
  assert.match(await cli("set", "a", "b", "EX", "zero"), /invalid expire time/);
});

test("keys expire on the timer wheel: gone when read, and purged without being read", { skip }, async () => {
  // Counted from before the writes: on a loaded machine each redis-cli
  // start takes tens of ms, so the purge may already have run by the time
  // a count taken after them is read (that count then missed one key).
  const before = Number(await cli("dbsize"));
  assert.equal(await cli("set", "short", "lived", "PX", "1500"), "OK");
  assert.equal(await cli("set", "other", "x", "PX", "100"), "OK");
  assert.equal(await cli("get", "short"), "lived");
  // Real time: poll (bounded) rather than trust one sleep on a loaded machine.
  let now = Number(await cli("dbsize"));
  for (let i = 0; i < 100 && now !== before; i++) {
    await new Promise((r) => setTimeout(r, 100));
    now = Number(await cli("dbsize"));
  }
  assert.equal(now, before, "the purge task removed both without a read");
  assert.equal(await cli("get", "short"), "");
});

test("pub/sub: a message published reaches a subscriber in another client", { skip }, async () => {
  const sub = spawnChild("redis-cli", ["-p", String(port), "subscribe", "news"]);
  let heard = "";
  sub.stdout.on("data", (c: Buffer) => (heard += c.toString()));
  try {
    for (let i = 0; i < 100 && !heard.includes("news"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await cli("publish", "news", "extra extra"), "1");
    for (let i = 0; i < 100 && !heard.includes("extra extra"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(heard, /message\s+news\s+extra extra/);
    assert.equal(await cli("publish", "nobody-listens", "x"), "0");
  } finally {
    sub.kill();
  }
});

test("a subscriber that never reads lags; publishers and other subscribers go on", { skip }, async () => {
  // The stalled subscriber: subscribes, then never reads its socket.
  const stalled = net.connect({ port, host: "127.0.0.1" });
  stalled.on("error", () => {});
  stalled.write("*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nfeed\r\n");
  await new Promise((r) => stalled.once("data", r));
  stalled.pause();
  const live = spawnChild("redis-cli", ["-p", String(port), "subscribe", "feed"]);
  let heard = "";
  live.stdout.on("data", (c: Buffer) => (heard = (heard + c.toString()).slice(-100_000)));
  try {
    for (let i = 0; i < 100 && !heard.includes("feed"); i++) await new Promise((r) => setTimeout(r, 20));
    // Far more than the stalled client's socket and the channel's 1,024 slots hold.
    const payload = `payload-${"x".repeat(4000)}`;
    const publish = (text: string): string => `*3\r\n$7\r\nPUBLISH\r\n$4\r\nfeed\r\n$${text.length}\r\n${text}\r\n`;
    const script = Array.from({ length: 3000 }, () => publish(payload)).join("") + publish("the-last-one");
    const { reply } = await raw(script, 3_000);
    const answers = reply.split("\r\n").filter((l) => l.startsWith(":"));
    assert.equal(answers.length, 3001, "every PUBLISH was answered: the stalled subscriber held nobody back");
    assert.equal(answers.at(-1), ":2", "both subscribers still subscribed");
    for (let i = 0; i < 200 && !heard.includes("the-last-one"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(heard, /the-last-one/, "the reading subscriber kept receiving");
  } finally {
    live.kill();
    stalled.destroy();
  }
});

test("50 clients pipelining INCR on one key: the count is exact (redis-benchmark)", { skip }, async () => {
  await cli("del", "counter:__rand_int__");
  await run("redis-benchmark", ["-p", String(port), "-t", "incr", "-c", "50", "-P", "16", "-n", "40000", "-q"], {
    timeout: 60_000,
  });
  assert.equal(await cli("get", "counter:__rand_int__"), "40000");
});

test("malformed RESP gets an error reply and the connection is closed; the server lives", { skip }, async () => {
  const bad = await raw("*1\r\n?3\r\nGET\r\n");
  assert.match(bad.reply, /^-ERR Protocol error/);
  assert.ok(bad.closedByServer);
  assert.equal(await cli("ping"), "PONG");
});

test("a 10 GB bulk-length header is refused at once: error reply, hang-up, nothing buffered", { skip }, async () => {
  const huge = await raw("*2\r\n$3\r\nSET\r\n$10000000000\r\n");
  assert.match(huge.reply, /^-ERR Protocol error: invalid bulk length/);
  assert.ok(huge.closedByServer);
  assert.equal(await cli("ping"), "PONG");
});

test("a client that vanishes mid-command costs nothing; pipelined inline commands work", { skip }, async () => {
  await new Promise<void>((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" }, () => {
      s.write("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$100\r\nonly part of the value");
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 20);
    });
  });
  const inline = await raw("PING\r\nECHO hi\r\n", 300);
  assert.equal(inline.reply, "+PONG\r\n$2\r\nhi\r\n");
  assert.equal(await cli("exists", "key"), "0");
});

test("10,000 connections opened and dropped: the server lives and keeps no socket", { skip }, async () => {
  const sockets = (): number => process.getActiveResourcesInfo().filter((k) => k === "TCPSocketWrap").length;
  const baseline = sockets();
  for (let batch = 0; batch < 20; batch++) {
    await Promise.all(
      Array.from(
        { length: 500 },
        () =>
          new Promise<void>((resolve) => {
            const s = net.connect({ port, host: "127.0.0.1" }, () => {
              s.destroy();
              resolve();
            });
            s.on("error", () => resolve());
          }),
      ),
    );
  }
  for (let i = 0; i < 200 && sockets() > baseline; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(sockets() <= baseline, `every server-side socket was closed (${sockets()} open, ${baseline} before)`);
  assert.equal(await cli("ping"), "PONG");
});

test("npm run mini-redis prints its address, serves, and shuts down gracefully on Ctrl-C", { skip }, async () => {
  const child = spawnChild(process.execPath, ["--import", "tsx", "examples/mini-redis/main.ts", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  try {
    for (let i = 0; i < 300 && !out.includes("listening on"); i++) await new Promise((r) => setTimeout(r, 20));
    const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
    assert.ok(m, out);
    const { stdout } = await run("redis-cli", ["-p", m[1] ?? "", "ping"], { timeout: 10_000 });
    assert.equal(stdout.trim(), "PONG");
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGINT");
    assert.equal(await exited, 0);
    assert.match(out, /shut down/);
  } finally {
    child.kill("SIGKILL");
  }
});

test("graceful shutdown: stops accepting, closes idle clients, lets a busy one finish its batch", {
  skip,
}, async () => {
  const own = new Runtime();
  const token = new CancellationToken();
  const listener = await own.run(TcpListener.bind("127.0.0.1:0"));
  const addr = listener.localAddr();
  const done = own.run(serve(listener, token, { graceMs: 1_000 }));
  const idle = net.connect({ port: addr.port, host: "127.0.0.1" });
  idle.on("error", () => {});
  const idleClosed = new Promise((r) => idle.once("close", r));
  await new Promise((r) => idle.once("connect", r));
  // A client whose requests are being answered when the shutdown starts.
  const busy = net.connect({ port: addr.port, host: "127.0.0.1" });
  await new Promise((r) => busy.once("connect", r));
  const replies: Buffer[] = [];
  const firstReply = new Promise((r) => busy.once("data", r));
  busy.on("data", (c: Buffer) => replies.push(c));
  const busyClosed = new Promise((r) => busy.once("close", r));
  busy.write("*1\r\n$4\r\nPING\r\n".repeat(1000));
  await firstReply;
  token.cancel();
  await done;
  await Promise.all([idleClosed, busyClosed]);
  const text = Buffer.concat(replies).toString();
  assert.ok(
    text.length > 0 && text.replaceAll("+PONG\r\n", "") === "",
    "the busy client got whole replies, then a close",
  );
  const refused = await new Promise((r) => {
    const s = net.connect({ port: addr.port, host: "127.0.0.1" });
    s.on("error", (e: NodeJS.ErrnoException) => r(e.code));
    s.on("connect", () => {
      s.destroy();
      r("connected");
    });
  });
  assert.equal(refused, "ECONNREFUSED");
});

test("past maxClients a new client gets an error reply and is closed; the others are served", { skip }, async () => {
  const own = new Runtime();
  const token = new CancellationToken();
  const listener = await own.run(TcpListener.bind("127.0.0.1:0"));
  const p = listener.localAddr().port;
  const done = own.run(serve(listener, token, { maxClients: 1, graceMs: 200 }));
  const first = net.connect({ port: p, host: "127.0.0.1" });
  first.on("error", () => {});
  await new Promise((r) => first.once("connect", r));
  first.write("PING\r\n");
  await new Promise((r) => first.once("data", r)); // served: it holds the one slot
  const second = await new Promise<string>((resolve) => {
    const s = net.connect({ port: p, host: "127.0.0.1" });
    let got = "";
    s.on("data", (c: Buffer) => (got += c.toString()));
    s.on("error", () => resolve(got));
    s.on("close", () => resolve(got));
  });
  assert.match(second, /^-ERR max number of clients reached/);
  first.destroy();
  token.cancel();
  await done;
});

// TCP, UDP and Unix sockets through the poll model: connections are never
// lost, a dead peer is a typed error and never a hang, dumps say what a
// task waits on, and nothing outlives a test.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { asyncFn, future, noopWaker, PENDING, Runtime, sleep, spawn, timeout, yieldNow } from "../../src/index.js";
import { IoError, read, readToEnd, shutdown, writeAll } from "../../src/io/index.js";
import { TcpListener, TcpStream, UdpSocket, UnixListener, UnixStream } from "../../src/net/index.js";

/** Node's socket handles alive now (sockets, servers, connects in flight). */
const SOCKET_KINDS = new Set([
  "TCPSocketWrap",
  "TCPServerWrap",
  "TCPWRAP",
  "UDPWrap",
  "UDPWRAP",
  "ConnectWrap",
  "ShutdownWrap",
  "PipeServerWrap",
]);
const sockets = (): string[] =>
  process
    .getActiveResourcesInfo()
    .filter((k) => SOCKET_KINDS.has(k))
    .sort();

/** Waits (bounded) until no socket handle is left (Node closes them in its own time); returns what is. */
async function settled(): Promise<string[]> {
  for (let i = 0; i < 100 && sockets().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return sockets();
}

/**
 * A TCP connection on 127.0.0.1: the client, the accepted server side and
 * the client's address as the listener saw it. Disposing the pair closes
 * both sides and the listener.
 */
const tcpPair = asyncFn(function* () {
  const listener = yield* TcpListener.bind("127.0.0.1:0");
  const accepting = spawn(listener.accept());
  const client = yield* TcpStream.connect(listener.localAddr());
  const [server, peer] = yield* accepting;
  return {
    client,
    server,
    peer,
    [Symbol.dispose]() {
      server[Symbol.dispose]();
      client[Symbol.dispose]();
      listener[Symbol.dispose]();
    },
  };
});

test("connect, accept, write and read back; the addresses agree", async () => {
  assert.deepEqual(await settled(), [], "no socket open before");
  const rt = new Runtime();
  const [said, ok] = await rt.run(
    future(function* () {
      using pair = yield* tcpPair();
      const { client, server, peer } = pair;
      yield* writeAll(client, Buffer.from("hello"));
      yield* shutdown(client);
      const got = Buffer.from(yield* readToEnd(server)).toString();
      return [got, `${peer}` === `${client.localAddr()}` && `${server.peerAddr()}` === `${peer}`] as const;
    }),
  );
  assert.equal(said, "hello");
  assert.ok(ok);
  assert.deepEqual(await settled(), [], "no socket left open");
});

test("connections that arrive while nobody accepts are queued, not lost", async () => {
  const rt = new Runtime();
  const peers = await rt.run(
    future(function* () {
      using listener = yield* TcpListener.bind("127.0.0.1:0");
      const clients = [];
      for (let i = 0; i < 5; i++) clients.push(yield* TcpStream.connect(listener.localAddr()));
      while (listener.queued < 5) yield* yieldNow(); // the host delivers them in its own time
      const accepted = [];
      for (let i = 0; i < 5; i++) accepted.push(yield* listener.accept());
      const ports = accepted.map(([, addr]) => addr.port).sort();
      const expected = clients.map((c) => c.localAddr().port).sort();
      for (const [s] of accepted) s[Symbol.dispose]();
      for (const c of clients) c[Symbol.dispose]();
      return { ports, expected };
    }),
  );
  assert.deepEqual(peers.ports, peers.expected);
});

test("dropping the listener stops listening: a connect is refused, and nothing is left open", async () => {
  assert.deepEqual(await settled(), [], "no socket open before");
  const rt = new Runtime();
  const code = await rt.run(
    future(function* () {
      const listener = yield* TcpListener.bind("127.0.0.1:0");
      const addr = listener.localAddr();
      listener[Symbol.dispose]();
      try {
        (yield* TcpStream.connect(addr))[Symbol.dispose]();
        return "connected";
      } catch (e) {
        return e instanceof IoError ? e.code : String(e);
      }
    }),
  );
  assert.equal(code, "ECONNREFUSED");
  assert.deepEqual(await settled(), [], "no socket left open");
});

test("a peer that closes mid-write makes writeAll fail with an IoError; it never hangs", async () => {
  const rt = new Runtime();
  const err = await rt.run(
    future(function* () {
      using listener = yield* TcpListener.bind("127.0.0.1:0");
      const accepting = spawn(listener.accept());
      using client = yield* TcpStream.connect(listener.localAddr());
      const [server] = yield* accepting;
      server[Symbol.dispose](); // the peer vanishes without reading
      try {
        // Far more than the socket buffers hold: some write must see the reset.
        for (let i = 0; i < 64; i++) yield* writeAll(client, Buffer.alloc(1 << 20));
        return "all written";
      } catch (e) {
        return e;
      }
    }),
  );
  assert.ok(err instanceof IoError, String(err));
  assert.ok(["EPIPE", "ECONNRESET", "ERR_STREAM_DESTROYED"].includes(err.code), err.code);
});

test("rt.dump() names the socket a task is reading: TcpStream.read(ip:port)", async () => {
  const rt = new Runtime();
  const [line, peer] = await rt.run(
    future(function* () {
      using pair = yield* tcpPair();
      const { client, server } = pair;
      const reader = spawn(read(server, new Uint8Array(8)), { name: "reader" });
      yield* yieldNow();
      const dumped = rt.dump().tasks.find((t) => t.name === "reader")?.waitingOn;
      yield* writeAll(client, Buffer.from("x"));
      yield* reader;
      return [dumped, `${server.peerAddr()}`] as const;
    }),
  );
  assert.equal(line, `TcpStream.read(${peer})`);
});

test("a read dropped mid-wait on a socket removes its listener", async () => {
  const rt = new Runtime();
  const counts = await rt.run(
    future(function* () {
      using pair = yield* tcpPair();
      const { client, server } = pair;
      const socket = (server as unknown as { socket: import("node:net").Socket }).socket;
      const before = socket.listenerCount("data");
      const reader = spawn(read(server, new Uint8Array(8)));
      yield* yieldNow();
      const during = socket.listenerCount("data");
      reader.abort();
      yield* yieldNow();
      yield* yieldNow();
      void client;
      return [before, during, socket.listenerCount("data")];
    }),
  );
  assert.deepEqual(counts, [0, 1, 0]);
});

test("UDP: sendTo/recvFrom, then connect/send/recv", async () => {
  assert.deepEqual(await settled(), [], "no socket open before");
  const rt = new Runtime();
  const got = await rt.run(
    future(function* () {
      using a = yield* UdpSocket.bind("127.0.0.1:0");
      using b = yield* UdpSocket.bind("127.0.0.1:0");
      yield* a.sendTo(Buffer.from("ping"), b.localAddr());
      const [data, from] = yield* b.recvFrom();
      yield* b.connect(from);
      yield* b.send(Buffer.from("pong"));
      const back = yield* a.recv();
      return [Buffer.from(data).toString(), from.port === a.localAddr().port, Buffer.from(back).toString()];
    }),
  );
  assert.deepEqual(got, ["ping", true, "pong"]);
  assert.deepEqual(await settled(), [], "no socket left open");
});

test("Unix-domain sockets carry bytes both ways", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mini-tokio-uds-"));
  try {
    const rt = new Runtime();
    const got = await rt.run(
      future(function* () {
        const path = join(dir, "s.sock");
        using listener = yield* UnixListener.bind(path);
        const accepting = spawn(listener.accept());
        using client = yield* UnixStream.connect(path);
        const [conn] = yield* accepting;
        using server = conn;
        yield* writeAll(client, Buffer.from("over unix"));
        yield* shutdown(client);
        const heard = Buffer.from(yield* readToEnd(server)).toString();
        yield* writeAll(server, Buffer.from("and back"));
        yield* shutdown(server);
        return [heard, Buffer.from(yield* readToEnd(client)).toString()];
      }),
    );
    assert.deepEqual(got, ["over unix", "and back"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad addresses are RangeErrors that show the expected form", () => {
  assert.throws(() => TcpListener.bind("localhost"), /expected an address "host:port"/);
  assert.throws(() => TcpListener.bind("127.0.0.1:70000"), /0 to 65535/);
  assert.throws(() => UdpSocket.bind("example.com:0"), /IP address/);
});

test("a full accept queue closes the connection it cannot keep, and keeps the others", async () => {
  const rt = new Runtime();
  const [kept, refusedSawEnd] = await rt.run(
    future(function* () {
      using listener = yield* TcpListener.bind("127.0.0.1:0", { acceptQueue: 2 });
      const clients = [];
      for (let i = 0; i < 3; i++) clients.push(yield* TcpStream.connect(listener.localAddr()));
      for (let i = 0; i < 200 && listener.queued < 2; i++) yield* yieldNow();
      // The third was closed on arrival: its client reads the end (or a reset).
      let sawEnd = false;
      try {
        // Bounded: with the queue unbounded, this read would wait forever.
        sawEnd = (yield* timeout(2_000, read(clients[2] as TcpStream, new Uint8Array(1)))) === 0;
      } catch (e) {
        sawEnd = e instanceof IoError; // a reset; a TimeoutError means the connection was kept
      }
      const queued = listener.queued;
      for (const c of clients) c[Symbol.dispose]();
      return [queued, sawEnd];
    }),
  );
  assert.equal(kept, 2);
  assert.equal(refusedSawEnd, true);
});

test("dropping the write half of a split stream shuts writing down: the peer reads the end", async () => {
  const rt = new Runtime();
  const got = await rt.run(
    future(function* () {
      using listener = yield* TcpListener.bind("127.0.0.1:0");
      const accepting = spawn(listener.accept());
      const client = yield* TcpStream.connect(listener.localAddr());
      const [conn] = yield* accepting;
      using server = conn;
      const [rd, wr] = client.split();
      yield* writeAll(wr, Buffer.from("last words"));
      wr[Symbol.dispose]();
      const heard = Buffer.from(yield* readToEnd(server)).toString();
      yield* writeAll(server, Buffer.from("still open"));
      yield* shutdown(server);
      const back = Buffer.from(yield* readToEnd(rd)).toString();
      rd[Symbol.dispose]();
      return [heard, back];
    }),
  );
  assert.deepEqual(got, ["last words", "still open"]);
});

test("a UDP receive dropped mid-wait lets virtual time move on; the datagram waits in the queue", async () => {
  const rt = new Runtime({ clock: "virtual" });
  const got = await rt.run(
    future(function* () {
      using a = yield* UdpSocket.bind("127.0.0.1:0");
      using b = yield* UdpSocket.bind("127.0.0.1:0");
      const waiting = b.recv();
      const pending = waiting.poll({ waker: noopWaker() }) === PENDING;
      waiting[Symbol.dispose]();
      yield* sleep(60_000); // would wait for the host if the dropped receive still held time
      yield* a.sendTo(Buffer.from("later"), b.localAddr());
      return [pending, Buffer.from(yield* b.recv()).toString()];
    }),
  );
  assert.deepEqual(got, [true, "later"]);
});

test("dropping both halves right after a big write still delivers every byte", async () => {
  const rt = new Runtime();
  const n = await rt.run(
    future(function* () {
      using listener = yield* TcpListener.bind("127.0.0.1:0");
      const accepting = spawn(listener.accept());
      const client = yield* TcpStream.connect(listener.localAddr());
      const [conn] = yield* accepting;
      using server = conn;
      const reading = spawn(readToEnd(server));
      const [rd, wr] = client.split();
      yield* writeAll(wr, Buffer.alloc(4 << 20, 7)); // much of it still in Node's buffer
      wr[Symbol.dispose]();
      rd[Symbol.dispose]();
      return (yield* reading).length;
    }),
  );
  assert.equal(n, 4 << 20);
});

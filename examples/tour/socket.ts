/**
 * Scene 6, a socket read: Pending until the host says bytes arrived.
 *
 * A server task accepts one connection on 127.0.0.1 and reads it. The
 * read finds no bytes yet, so it puts a 'data' listener on the socket,
 * stores the task's waker and returns Pending. libuv, Node's reactor, sees
 * the bytes arrive; Node emits 'data'; the listener queues the chunk and
 * wakes the task: a wake from the host, as a timer's is in scene 1. The
 * task is polled again, and this time the read is Ready.
 *
 * @module
 */

import { future, Runtime, spawn } from "../../src/index.js";
import { read, writeAll } from "../../src/io/index.js";
import { TcpListener, TcpStream } from "../../src/net/index.js";
import type { Narrator } from "./narrator.js";

export async function socket(narrator: Narrator): Promise<void> {
  narrator.scene("6. A socket read: woken by the host", "6-socket", [
    "A server task reads a TCP connection before the client has written. The read",
    "puts a 'data' listener on the socket, stores the task's waker and returns",
    "Pending. When the bytes arrive, Node (libuv is the reactor) emits 'data', the",
    "listener queues them and calls waker.wake(): the Host lane wakes the task,",
    "it is polled again, and this time the read is Ready.",
  ]);

  const server = narrator.voice("server");
  const main = narrator.voice("main");
  using rt = new Runtime({ trace: narrator.trace });
  await rt.run(
    future(function* () {
      using listener = yield* TcpListener.bind("127.0.0.1:0");
      const { port } = listener.localAddr();
      const reader = spawn(
        future(function* () {
          const [stream] = yield* listener.accept();
          using conn = stream;
          const buf = new Uint8Array(64);
          server("read(): no bytes yet, so a 'data' listener and the waker are left on the socket");
          const n = yield* read(conn, buf); // Pending until the host's 'data'
          server(`read() is Ready: ${n} bytes, "${new TextDecoder().decode(buf.subarray(0, n))}"`);
          return n;
        }),
        { name: "server" },
      );
      using conn = yield* TcpStream.connect(`127.0.0.1:${port}`);
      main('connects to the server and writes "ping"');
      yield* writeAll(conn, new TextEncoder().encode("ping"));
      return yield* reader;
    }),
  );
  narrator.metrics(rt.metrics());
}

/**
 * The mini-redis contender written the idiomatic async/await way: an async
 * function per connection that iterates the socket with `for await` and
 * awaits each write. Same parser, same key space, same batching (one
 * write per chunk read) as mini-redis: only the way of waiting differs.
 *
 * `node redis-async-await.js --port 0` prints `listening on 127.0.0.1:<port>`.
 *
 * @module
 */

import net from "node:net";
import { CLOSE, execute, PUBSUB } from "../../../examples/mini-redis/commands.js";
import { Db } from "../../../examples/mini-redis/db.js";
import { error, RequestBuffer } from "../../../examples/mini-redis/resp.js";
import { ByteBuffer } from "../../../src/io/index.js";
import { listenFromArgs } from "./listen.js";

const started = performance.now();
const db = new Db(() => performance.now() - started);

function write(socket: net.Socket, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => socket.write(bytes, (e) => (e ? reject(e) : resolve())));
}

async function connection(socket: net.Socket): Promise<void> {
  socket.setNoDelay(true);
  const requests = new RequestBuffer();
  const out = new ByteBuffer(16 * 1024);
  const handle = (args: string[], argc: number): boolean => {
    const outcome = execute(db, args, argc, out);
    if (outcome === PUBSUB) error(out, "ERR pub/sub is not part of this contender");
    return outcome !== CLOSE;
  };
  try {
    for await (const chunk of socket) {
      const open = requests.feed(chunk as Buffer, handle, out);
      if (out.length > 0) await write(socket, out.take());
      if (!open) break;
    }
  } catch {
    // The client reset the connection: nothing to do but close.
  } finally {
    socket.destroy();
  }
}

listenFromArgs(net.createServer((socket) => void connection(socket)));

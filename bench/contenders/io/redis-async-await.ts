/**
 * The mini-redis contender written the idiomatic async/await way: an async
 * function per connection iterates the socket with `for await`, and each
 * request's reply is written and awaited (`await write(reply)`), as an
 * async handler per command does. Same parser and key space as mini-redis.
 *
 * With `--batched` it instead gathers the replies of a chunk and awaits one
 * write, as mini-redis does: the same batching, so only the way of waiting
 * differs (a second row in `npm run bench -- io`).
 *
 * `node redis-async-await.js --port 0 [--batched]` prints `listening on 127.0.0.1:<port>`.
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

const batched = process.argv.includes("--batched");

async function connection(socket: net.Socket): Promise<void> {
  socket.setNoDelay(true);
  const requests = new RequestBuffer();
  const out = new ByteBuffer(1024);
  const replies: Uint8Array[] = [];
  const handle = (args: string[], argc: number): boolean => {
    const outcome = execute(db, args, argc, out);
    if (outcome === PUBSUB) error(out, "ERR pub/sub is not part of this contender");
    if (!batched) replies.push(out.take());
    return outcome !== CLOSE;
  };
  try {
    for await (const chunk of socket) {
      const open = requests.feed(chunk as Buffer, handle, out);
      if (batched) {
        if (out.length > 0) await write(socket, out.take());
      } else {
        if (out.length > 0) replies.push(out.take()); // a protocol error's reply
        for (const reply of replies) await write(socket, reply);
        replies.length = 0;
      }
      if (!open) break;
    }
  } catch {
    // The client reset the connection: nothing to do but close.
  } finally {
    socket.destroy();
  }
}

listenFromArgs(net.createServer((socket) => void connection(socket)));

/**
 * The mini-redis contender written in Node's callback style, the floor
 * for a Node server: `socket.on("data")`, parse, execute, one
 * `socket.write` per chunk; nothing awaited. Same parser, key space and
 * batching as mini-redis.
 *
 * `node redis-callbacks.js --port 0` prints `listening on 127.0.0.1:<port>`.
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

function connection(socket: net.Socket): void {
  socket.setNoDelay(true);
  const requests = new RequestBuffer();
  const out = new ByteBuffer(1024);
  const handle = (args: string[], argc: number): boolean => {
    const outcome = execute(db, args, argc, out);
    if (outcome === PUBSUB) error(out, "ERR pub/sub is not part of this contender");
    return outcome !== CLOSE;
  };
  socket.on("data", (chunk: Buffer) => {
    const open = requests.feed(chunk, handle, out);
    if (out.length > 0) socket.write(out.take());
    if (!open) socket.end();
  });
  socket.on("error", () => socket.destroy());
}

listenFromArgs(net.createServer(connection));

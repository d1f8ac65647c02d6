/**
 * mini-redis's server: an accept loop that spawns one task per connection,
 * on mini-tokio's net, io, sync and time (in the spirit of tokio's
 * mini-redis).
 *
 * A connection task reads whatever the socket has (`fillBuf`: Node's own
 * chunk, not copied), runs every complete request in it, and answers the
 * whole batch with one `writeAll`: a client that pipelines 16 requests gets
 * 16 replies in one system call. Only a request cut in half by the chunk
 * boundary is copied, into the connection's own buffer.
 *
 * Shutdown (the token is cancelled): stop accepting, close the connections
 * that are idle, let the others finish the batch in hand for up to
 * `graceMs`, then abort whatever is left.
 *
 * @module
 */

import {
  type AbortHandle,
  asyncFn,
  type CancellationToken,
  JoinError,
  JoinSet,
  Notify,
  now,
  type StreamExt,
  select,
  sleep,
  spawn,
  stream,
  TimeoutError,
  timeout,
} from "../../src/index.js";
import { ByteBuffer, fillBuf, IoError, shutdown, writeAll } from "../../src/io/index.js";
import type { TcpListener, TcpStream } from "../../src/net/index.js";
import { CLOSE, commandName, execute, PUBSUB } from "./commands.js";
import { Db } from "./db.js";
import { type Delivery, Hub, Subscriptions } from "./pubsub.js";
import { arrayHeader, bulk, error, integer, RequestBuffer, simple } from "./resp.js";

/** Options of {@link serve}. */
export interface ServerOptions {
  /** Connections served at once; one more gets an error reply and is closed (default 10,000). */
  readonly maxClients?: number;
  /** How long in-flight connections may finish after shutdown starts (default 2,000 ms). */
  readonly graceMs?: number;
}

/** What every connection shares. */
class Shared {
  readonly db = new Db(() => now().ms);
  readonly hub = new Hub();
  readonly deadlines = new Notify();
  /** Connections, and the handle that aborts each (for shutdown). */
  readonly live = new Map<Connection, AbortHandle>();
  closing = false;
  constructor() {
    this.db.onEarlierDeadline = () => this.deadlines.notifyOne();
  }
}

const KEEP_GOING = 0;
const HANG_UP = 1;

/** One client's state: its requests being parsed, the replies being gathered, its subscriptions. */
class Connection {
  readonly requests = new RequestBuffer();
  readonly out = new ByteBuffer(1024);
  /** True while the task waits for the client (nothing in hand): shutdown may close it at once. */
  idle = true;
  subscriptions: Subscriptions | undefined = undefined;
  deliveries: StreamExt<Delivery> | undefined = undefined;

  constructor(
    readonly socket: TcpStream,
    readonly shared: Shared,
  ) {}

  /**
   * Runs every complete request in `view` (after what was pending) and
   * writes their replies into `out`. Returns HANG_UP after QUIT or a
   * protocol error.
   */
  process(view: Uint8Array): number {
    return this.requests.feed(view, this.#handle, this.out) ? KEEP_GOING : HANG_UP;
  }

  readonly #handle = (args: string[], argc: number): boolean => this.#run(args, argc) === KEEP_GOING;

  /** One parsed request. */
  #run(args: string[], argc: number): number {
    const out = this.out;
    if (this.subscriptions !== undefined && this.subscriptions.size > 0) return this.#runSubscribed(args, argc);
    const outcome = execute(this.shared.db, args, argc, out);
    if (outcome === CLOSE) return HANG_UP;
    if (outcome !== PUBSUB) return KEEP_GOING;
    const cmd = commandName(args[0] ?? "");
    if (cmd === "PUBLISH") {
      if (argc !== 3) error(out, "ERR wrong number of arguments for 'publish' command");
      else integer(out, this.shared.hub.publish(args[1] ?? "", args[2] ?? ""));
      return KEEP_GOING;
    }
    return this.#runSubscribed(args, argc);
  }

  /** In subscriber mode only (UN)SUBSCRIBE, PING and QUIT are allowed, as in Redis. */
  #runSubscribed(args: string[], argc: number): number {
    const out = this.out;
    const cmd = commandName(args[0] ?? "");
    if (cmd === "SUBSCRIBE") {
      if (argc < 2) error(out, "ERR wrong number of arguments for 'subscribe' command");
      const subs = (this.subscriptions ??= new Subscriptions(this.shared.hub));
      for (let i = 1; i < argc; i++) {
        const channel = args[i] ?? "";
        const count = subs.add(channel);
        arrayHeader(out, 3);
        bulk(out, "subscribe");
        bulk(out, channel);
        integer(out, count);
      }
      return KEEP_GOING;
    }
    if (cmd === "UNSUBSCRIBE") {
      const subs = this.subscriptions;
      const channels = argc > 1 ? args.slice(1, argc) : (subs?.channels ?? []);
      if (channels.length === 0) {
        arrayHeader(out, 3);
        bulk(out, "unsubscribe");
        bulk(out, undefined);
        integer(out, 0);
      }
      for (const channel of channels) {
        const count = subs === undefined ? 0 : subs.remove(channel);
        arrayHeader(out, 3);
        bulk(out, "unsubscribe");
        bulk(out, channel);
        integer(out, count);
      }
      return KEEP_GOING;
    }
    if (cmd === "PING") {
      arrayHeader(out, 2);
      bulk(out, "pong");
      bulk(out, argc > 1 ? args[1] : "");
      return KEEP_GOING;
    }
    if (cmd === "QUIT") {
      simple(out, "OK");
      return HANG_UP;
    }
    error(
      out,
      `ERR Can't execute '${cmd.toLowerCase()}': only (P)SUBSCRIBE / (P)UNSUBSCRIBE / PING / QUIT are allowed in this context`,
    );
    return KEEP_GOING;
  }

  /** Encodes a message (or, for a lagging subscriber, nothing: the missed ones are gone). */
  deliver(d: Delivery): void {
    if (d.message === undefined) return;
    arrayHeader(this.out, 3);
    bulk(this.out, "message");
    bulk(this.out, d.channel);
    bulk(this.out, d.message);
  }

  [Symbol.dispose](): void {
    this.deliveries?.[Symbol.dispose]();
    this.subscriptions?.[Symbol.dispose]();
  }
}

/** One client, from accept to hang-up. Errors of the socket end the connection, not the server. */
const serveConnection = asyncFn(function* (socket: TcpStream, conn: Connection) {
  using s = socket;
  using c = conn;
  try {
    for (;;) {
      let view: Uint8Array;
      const subs = c.subscriptions;
      c.idle = true;
      if (subs === undefined || subs.size === 0) {
        view = yield* fillBuf(s);
      } else {
        const deliveries = (c.deliveries ??= stream(subs));
        const next = yield* select(fillBuf(s), deliveries.next());
        if (next.index === 1) {
          c.idle = false;
          if (next.value !== undefined) c.deliver(next.value);
          yield* writeAll(s, c.out.take());
          continue;
        }
        view = next.value;
      }
      c.idle = false;
      // The end of the stream, maybe in the middle of a request: the client left.
      if (view.length === 0) return 0;
      const outcome = c.process(view);
      s.consume(view.length);
      if (c.out.length > 0) yield* writeAll(s, c.out.take());
      if (outcome === HANG_UP) {
        yield* shutdown(s);
        return 0;
      }
      if (c.shared.closing) return 0;
    }
  } catch (e) {
    if (e instanceof IoError) return 0; // reset, broken pipe: the client is gone
    throw e;
  } finally {
    c.shared.live.delete(c);
  }
});

/** Sleeps on the timer wheel until the earliest key deadline, purges, again. */
const purgeExpired = asyncFn(function* (shared: Shared) {
  for (;;) {
    const next = shared.db.nextDeadline();
    if (next === undefined) yield* shared.deadlines.notified();
    else yield* select(sleep(Math.max(0, next - now().ms)), shared.deadlines.notified());
    shared.db.purgeExpired();
  }
});

/** Waits for every connection task to end. */
const drain = asyncFn(function* (clients: JoinSet<number>) {
  for (;;) {
    try {
      if ((yield* clients.joinNext()) === undefined) return;
    } catch (e) {
      if (!(e instanceof JoinError)) throw e;
    }
  }
});

/** Takes the results of finished connection tasks, so the set holds only live ones. */
function reap(clients: JoinSet<number>): void {
  for (;;) {
    try {
      if (clients.tryJoinNext() === undefined) return;
    } catch (e) {
      if (!(e instanceof JoinError)) throw e;
      console.error(`mini-redis: a connection failed: ${e.message}`);
    }
  }
}

/**
 * Serves Redis clients on `listener` until `shutdownToken` is cancelled,
 * then shuts down gracefully and returns. Drops the listener when done.
 */
export const serve = asyncFn(function* (
  listener: TcpListener,
  shutdownToken: CancellationToken,
  options?: ServerOptions,
) {
  const maxClients = options?.maxClients ?? 10_000;
  const graceMs = options?.graceMs ?? 2_000;
  const shared = new Shared();
  using purger = spawn(purgeExpired(shared));
  void purger;
  using clients = new JoinSet<number>();
  {
    using l = listener;
    for (;;) {
      const next = yield* select(l.accept(), shutdownToken.cancelled());
      if (next.index === 1) break;
      const [socket] = next.value;
      reap(clients);
      if (shared.live.size >= maxClients) {
        // Refuse politely, as redis-server does, and close.
        socket.setNoDelay(true);
        const refusal = new ByteBuffer(64);
        error(refusal, "ERR max number of clients reached");
        spawn(refuse(socket, refusal.take())).detach();
        continue;
      }
      socket.setNoDelay(true);
      const conn = new Connection(socket, shared);
      shared.live.set(conn, clients.spawn(serveConnection(socket, conn)));
    }
  } // the listener is dropped here: no more connections
  shared.closing = true;
  for (const [conn, handle] of shared.live) if (conn.idle) handle.abort();
  try {
    yield* timeout(graceMs, drain(clients));
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    clients.abortAll();
    yield* drain(clients);
  }
});

const refuse = asyncFn(function* (socket: TcpStream, reply: Uint8Array) {
  using s = socket;
  try {
    yield* writeAll(s, reply);
    yield* shutdown(s);
  } catch (e) {
    if (!(e instanceof IoError)) throw e;
  }
});

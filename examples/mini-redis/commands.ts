/**
 * The data commands: what a request does to the key space and what it
 * replies. Shared by mini-redis and the servers it is measured against;
 * pub/sub needs a connection's own state, so the server handles it.
 *
 * @module
 */

import type { ByteBuffer } from "../../src/io/index.js";
import { type Db, NotAnInteger, type SetOptions } from "./db.js";
import { arrayHeader, bulk, error, integer, simple } from "./resp.js";

/** What the server must do after {@link execute}. */
export const DONE = 0;
/** Reply written; then close the connection (QUIT). */
export const CLOSE = 1;
/** A pub/sub command: nothing written, the server handles it. */
export const PUBSUB = 2;

const KNOWN = new Set([
  "PING",
  "ECHO",
  "GET",
  "SET",
  "DEL",
  "EXISTS",
  "INCR",
  "EXPIRE",
  "PEXPIRE",
  "TTL",
  "PTTL",
  "CONFIG",
  "QUIT",
  "PUBLISH",
  "SUBSCRIBE",
  "UNSUBSCRIBE",
  "COMMAND",
  "DBSIZE",
  "FLUSHALL",
  "EX",
  "PX",
  "NX",
  "XX",
]);

/** The command name in upper case, without a new string when it already is. */
export function commandName(name: string): string {
  return KNOWN.has(name) ? name : name.toUpperCase();
}

function wrongArgs(out: ByteBuffer, cmd: string): void {
  error(out, `ERR wrong number of arguments for '${cmd.toLowerCase()}' command`);
}

/** Parses a whole number argument; undefined when it is not one. */
function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/**
 * Runs the request `args[0..argc)` against `db` and appends the reply to
 * `out`. Returns {@link DONE}, {@link CLOSE} or {@link PUBSUB}.
 */
export function execute(db: Db, args: readonly string[], argc: number, out: ByteBuffer): number {
  if (argc === 0) return DONE;
  const cmd = commandName(args[0] ?? "");
  switch (cmd) {
    case "GET":
      if (argc !== 2) wrongArgs(out, cmd);
      else bulk(out, db.get(args[1] ?? ""));
      return DONE;
    case "SET":
      set(db, args, argc, out);
      return DONE;
    case "PING":
      if (argc === 1) simple(out, "PONG");
      else if (argc === 2) bulk(out, args[1]);
      else wrongArgs(out, cmd);
      return DONE;
    case "ECHO":
      if (argc !== 2) wrongArgs(out, cmd);
      else bulk(out, args[1]);
      return DONE;
    case "DEL":
      if (argc < 2) wrongArgs(out, cmd);
      else integer(out, db.del(args, 1, argc));
      return DONE;
    case "EXISTS":
      if (argc < 2) wrongArgs(out, cmd);
      else integer(out, db.exists(args, 1, argc));
      return DONE;
    case "INCR":
      if (argc !== 2) wrongArgs(out, cmd);
      else {
        try {
          integer(out, db.incr(args[1] ?? ""));
        } catch (e) {
          if (!(e instanceof NotAnInteger)) throw e;
          error(out, "ERR value is not an integer or out of range");
        }
      }
      return DONE;
    case "EXPIRE":
    case "PEXPIRE": {
      const n = wholeNumber(args[2]);
      if (argc !== 3) wrongArgs(out, cmd);
      else if (n === undefined) error(out, "ERR value is not an integer or out of range");
      else integer(out, db.expire(args[1] ?? "", cmd === "EXPIRE" ? n * 1000 : n) ? 1 : 0);
      return DONE;
    }
    case "TTL":
    case "PTTL": {
      if (argc !== 2) {
        wrongArgs(out, cmd);
        return DONE;
      }
      const ms = db.ttlMs(args[1] ?? "");
      integer(out, ms < 0 || cmd === "PTTL" ? ms : Math.ceil(ms / 1000));
      return DONE;
    }
    case "DBSIZE":
      integer(out, db.size);
      return DONE;
    case "CONFIG":
      // Enough for redis-benchmark and redis-cli, which ask for `save` and
      // `appendonly` on start: every parameter is known and empty.
      if (argc === 3 && commandName(args[1] ?? "") === "GET") {
        arrayHeader(out, 2);
        bulk(out, args[2]);
        bulk(out, "");
      } else error(out, "ERR mini-redis supports only CONFIG GET <parameter>");
      return DONE;
    case "COMMAND":
      // redis-cli asks on start; an empty list means "no hints", which it accepts.
      arrayHeader(out, 0);
      return DONE;
    case "QUIT":
      simple(out, "OK");
      return CLOSE;
    case "PUBLISH":
    case "SUBSCRIBE":
    case "UNSUBSCRIBE":
      return PUBSUB;
    default:
      error(out, `ERR unknown command '${(args[0] ?? "").slice(0, 64)}'`);
      return DONE;
  }
}

function set(db: Db, args: readonly string[], argc: number, out: ByteBuffer): void {
  if (argc < 3) {
    wrongArgs(out, "SET");
    return;
  }
  let ttlMs: number | undefined;
  let condition: "NX" | "XX" | undefined;
  for (let i = 3; i < argc; i++) {
    const opt = commandName(args[i] ?? "");
    if ((opt === "EX" || opt === "PX") && ttlMs === undefined && i + 1 < argc) {
      const n = wholeNumber(args[++i]);
      if (n === undefined || n <= 0) {
        error(out, "ERR invalid expire time in 'set' command");
        return;
      }
      ttlMs = opt === "EX" ? n * 1000 : n;
    } else if ((opt === "NX" || opt === "XX") && condition === undefined) {
      condition = opt;
    } else {
      error(out, "ERR syntax error");
      return;
    }
  }
  const options: SetOptions | undefined =
    ttlMs === undefined && condition === undefined ? undefined : { ttlMs, condition };
  if (db.set(args[1] ?? "", args[2] ?? "", options)) simple(out, "OK");
  else bulk(out, undefined);
}

/**
 * `SocketAddr`: an IP address and a port, and how addresses are parsed
 * at the API boundary.
 *
 * @module
 */

import { isIP } from "node:net";

/**
 * An IP address and port (tokio's `SocketAddr`): what `accept()`,
 * `localAddr()` and `peerAddr()` return. `String(addr)` is
 * `"127.0.0.1:6379"` or `"[::1]:6379"`.
 *
 * @example
 * ```ts
 * import { SocketAddr } from "mini-tokio/net";
 * const a = SocketAddr.parse("127.0.0.1:6379");
 * console.log(a.ip, a.port, `${a}`);
 * ```
 * ```text output
 * 127.0.0.1 6379 127.0.0.1:6379
 * ```
 */
export class SocketAddr {
  /** The IP address, without brackets: `"127.0.0.1"`, `"::1"`. */
  readonly ip: string;
  readonly port: number;

  /** Makes an address; throws a RangeError for a port outside 0..65535 or an `ip` that is not an IP address. */
  constructor(ip: string, port: number) {
    if (isIP(ip) === 0) throw new RangeError(`SocketAddr: "${ip}" is not an IPv4 or IPv6 address`);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`SocketAddr: port must be an integer from 0 to 65535, got ${port}`);
    }
    this.ip = ip;
    this.port = port;
  }

  /** True for an IPv6 address. */
  get isIPv6(): boolean {
    return isIP(this.ip) === 6;
  }

  /**
   * Parses `"host:port"` (`"127.0.0.1:0"`, `"[::1]:8080"`); host names are
   * not resolved here (use an IP address).
   */
  static parse(text: string): SocketAddr {
    if (typeof text !== "string") {
      throw new TypeError(`SocketAddr.parse(text): expected "ip:port" as a string, got ${typeof text}`);
    }
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
    if (m === null || m[1] === undefined || m[2] === undefined) {
      throw new RangeError(
        `SocketAddr.parse: expected "ip:port" such as "127.0.0.1:6379" or "[::1]:6379", got "${text}"`,
      );
    }
    return new SocketAddr(m[1], Number(m[2]));
  }

  toString(): string {
    return this.isIPv6 ? `[${this.ip}]:${this.port}` : `${this.ip}:${this.port}`;
  }
}

/** An address given to `bind` or `connect`: `"127.0.0.1:0"`, a {@link SocketAddr}, or `{ host, port }`. */
export type ToSocketAddr = string | SocketAddr | { readonly host: string; readonly port: number };

/** The host and port of an address argument; `host` may be a name for `connect`. @internal */
export function hostPort(api: string, addr: ToSocketAddr): { host: string; port: number } {
  if (addr instanceof SocketAddr) return { host: addr.ip, port: addr.port };
  if (typeof addr === "string") {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(addr) ?? /^([^:]+):(\d+)$/.exec(addr);
    if (m === null || m[1] === undefined || m[2] === undefined) {
      throw new RangeError(`${api}: expected an address "host:port" such as "127.0.0.1:0", got "${addr}"`);
    }
    return checkPort(api, { host: m[1], port: Number(m[2]) });
  }
  if (typeof addr === "object" && addr !== null && typeof addr.host === "string" && typeof addr.port === "number") {
    return checkPort(api, { host: addr.host, port: addr.port });
  }
  throw new TypeError(
    `${api}: expected an address ("127.0.0.1:0", a SocketAddr or { host, port }), got ${typeof addr}`,
  );
}

function checkPort(api: string, hp: { host: string; port: number }): { host: string; port: number } {
  if (!Number.isInteger(hp.port) || hp.port < 0 || hp.port > 65535) {
    throw new RangeError(`${api}: the port must be an integer from 0 to 65535, got ${hp.port}`);
  }
  return hp;
}

/** The address Node reports (`socket.remoteAddress`/`remotePort`), or undefined once the socket is gone. @internal */
export function socketAddr(ip: string | undefined, port: number | undefined): SocketAddr | undefined {
  if (ip === undefined || port === undefined) return undefined;
  // Node reports IPv4 peers of a dual-stack socket as "::ffff:1.2.3.4".
  return new SocketAddr(ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip, port);
}

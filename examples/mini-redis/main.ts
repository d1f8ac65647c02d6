/**
 * `npm run mini-redis -- --port 6390`: a Redis server on mini-tokio, for
 * redis-cli and redis-benchmark.
 *
 * ```text
 * npm run mini-redis -- --port 6390        # prints "listening on 127.0.0.1:6390"
 * redis-cli -p 6390 set greeting hello     # in another terminal
 * redis-cli -p 6390 get greeting
 * ```
 *
 * Ctrl-C shuts it down gracefully: no new connections, in-flight requests
 * finish (for up to two seconds), then it exits. A second Ctrl-C exits at
 * once.
 *
 * @module
 */

import { CancellationToken, main } from "../../src/index.js";
import { TcpListener } from "../../src/net/index.js";
import { serve } from "./server.js";

function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = args[at + 1];
  if (value === undefined) throw new Error(`mini-redis: --${name} needs a value`);
  return value;
}

const port = Number(option("port", "6379"));
const host = option("host", "127.0.0.1");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`mini-redis: --port must be an integer from 0 to 65535, got ${option("port", "")}`);
  process.exit(2);
}

await main(function* () {
  const listener = yield* TcpListener.bind({ host, port });
  console.log(`listening on ${listener.localAddr()}`);
  const stop = new CancellationToken();
  // Until main() handles signals itself: the first Ctrl-C (or SIGTERM)
  // starts a graceful shutdown; `once`, so a second Ctrl-C kills at once.
  const onSignal = (): void => stop.cancel();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    yield* serve(listener, stop);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  console.log("mini-redis: shut down");
});

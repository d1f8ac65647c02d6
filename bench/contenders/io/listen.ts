/**
 * What the plain Node contenders share: listen on `--port` (0 for a free
 * one), print the address as mini-redis does, exit on SIGTERM/SIGINT.
 *
 * @module
 */

import type { Server } from "node:net";

export function listenFromArgs(server: Server): void {
  const args = process.argv.slice(2);
  const at = args.indexOf("--port");
  const port = at === -1 ? 0 : Number(args[at + 1]);
  server.listen(port, "127.0.0.1", () => {
    const a = server.address();
    if (a === null || typeof a === "string") throw new Error("listen: no TCP address");
    console.log(`listening on ${a.address}:${a.port}`);
  });
  const stop = (): void => {
    server.close();
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

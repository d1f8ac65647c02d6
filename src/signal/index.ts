/**
 * `mini-tokio/signal`: process signals as futures and streams (tokio's
 * `signal`). Node-only (`process.on`); Bun and Deno implement it too.
 *
 * @module mini-tokio/signal
 */

export { CtrlC, ctrlC, type SignalName, SignalStream, signal } from "./signal.js";

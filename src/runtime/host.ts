/**
 * The bridge to the host event loop (Node, a browser, Deno, Bun).
 *
 * The runtime hands control back to the host regularly so host timers and
 * I/O are served, and in Node it listens for the loop running dry while a
 * `run()` is still pending. Everything here is feature-detected: the core
 * runs unchanged on any engine.
 *
 * @module
 */

import { THREAD } from "../context/context.js";

/** Runs `fn` soon, after the host has had a chance to serve I/O and timers. */
export const scheduleMacrotask: (fn: () => void) => void = pickMacrotask();

function pickMacrotask(): (fn: () => void) => void {
  if (typeof setImmediate === "function") return (fn) => setImmediate(fn);
  if (typeof MessageChannel === "function") {
    // A browser: a message is a macrotask without setTimeout's 4 ms clamp.
    const queue: (() => void)[] = [];
    const channel = new MessageChannel();
    channel.port1.onmessage = () => queue.shift()?.();
    return (fn) => {
      queue.push(fn);
      channel.port2.postMessage(null);
    };
  }
  return (fn) => setTimeout(fn, 0);
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Runs `fn` as a microtask, through a reaction on a resolved promise rather
 * than `queueMicrotask`: Node's `queueMicrotask` wraps every callback in an
 * async-hooks resource and a bound function, several hundred nanoseconds a
 * call, and a runtime woken by the host pays it once per wake from outside
 * (a settled promise, an I/O event). A reaction is the engine's own
 * microtask. What `fn` throws would become an unhandled rejection, so `fn`
 * must not throw: the runtime's turn hands its errors to
 * {@link throwUncaught}.
 */
export function scheduleMicrotask(fn: () => void): void {
  void RESOLVED.then(fn);
}

/**
 * Throws `error` from a microtask of its own: an uncaught exception, as
 * if the turn that caught it had thrown it from `queueMicrotask`.
 */
export function throwUncaught(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

/** The slice of Node's `process` the runtime uses, when there is one. */
interface HostProcess {
  on(event: "beforeExit", listener: () => void): unknown;
  off(event: "beforeExit", listener: () => void): unknown;
}

function hostProcess(): HostProcess | undefined {
  const p: unknown = Reflect.get(globalThis, "process");
  if (typeof p !== "object" || p === null) return undefined;
  if (!("on" in p) || typeof p.on !== "function" || !("off" in p) || typeof p.off !== "function") return undefined;
  const on = p.on;
  const off = p.off;
  return {
    on: (event, listener) => Reflect.apply(on, p, [event, listener]),
    off: (event, listener) => Reflect.apply(off, p, [event, listener]),
  };
}

/**
 * Calls `listener` when the host event loop has nothing left to do (Node's
 * `beforeExit`); returns a function that stops listening. Hosts without
 * such an event never call it.
 *
 * However many runs wait, the process gets one `beforeExit` listener (the
 * set of watchers lives in the per-thread record), so a program with many
 * concurrent `run()` calls sees no MaxListenersExceededWarning.
 */
export function onHostIdle(listener: () => void): () => void {
  const p = hostProcess();
  if (p === undefined) return () => {};
  const watchers = (THREAD.hostIdleWatchers ??= new Set());
  if (watchers.size === 0) p.on("beforeExit", hostIdle);
  watchers.add(listener);
  return () => {
    if (watchers.delete(listener) && watchers.size === 0) p.off("beforeExit", hostIdle);
  };
}

/**
 * The one `beforeExit` listener: tells every watcher. A watcher that gives
 * up (a stalled `run()` rejects) hands control to code that may start
 * another run, which queues only microtasks: Node would then exit without
 * a second `beforeExit`, silently (exit code 13 under a top-level await).
 * So after a watcher has left, the loop is kept turning once more, and
 * `beforeExit` comes again for whatever that code started.
 */
function hostIdle(): void {
  const watchers = THREAD.hostIdleWatchers;
  if (watchers === undefined) return;
  const before = watchers.size;
  for (const watcher of [...watchers]) watcher();
  if (watchers.size < before) scheduleMacrotask(keepTurning);
}

/** One more turn of the host loop; it does nothing itself. */
function keepTurning(): void {}

/** Sets a non-zero exit code where the host has one (Node, Bun, Deno's node compat). */
export function setFailureExitCode(): void {
  const p: unknown = Reflect.get(globalThis, "process");
  if (typeof p === "object" && p !== null) Reflect.set(p, "exitCode", 1);
}

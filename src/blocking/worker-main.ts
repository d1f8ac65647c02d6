/**
 * The code each pool thread runs: receive a job, import its module (once
 * per thread), call the export, post the value or the error back.
 *
 * Jobs arrive one at a time: the pool sends a thread its next job only
 * after the reply to the last one, so this loop never has two in flight.
 *
 * @module
 */

import { isMainThread, parentPort, type Transferable } from "node:worker_threads";
import { textOf } from "../future/future.js";
import { unwrapTransfer } from "./transfer.js";

/** A job as the pool posts it. */
interface JobMessage {
  readonly id: number;
  readonly module: string;
  readonly name: string;
  readonly args: unknown[];
}

function isJobMessage(m: unknown): m is JobMessage {
  return (
    typeof m === "object" &&
    m !== null &&
    "id" in m &&
    typeof m.id === "number" &&
    "module" in m &&
    typeof m.module === "string" &&
    "name" in m &&
    typeof m.name === "string" &&
    "args" in m &&
    Array.isArray(m.args)
  );
}

/** Imported modules, by URL: a thread imports each module once and reuses it. */
const modules = new Map<string, Promise<unknown>>();

async function run(job: JobMessage): Promise<unknown> {
  let loading = modules.get(job.module);
  if (loading === undefined) {
    loading = import(job.module);
    modules.set(job.module, loading);
  }
  const exports: unknown = await loading;
  const fn: unknown = typeof exports === "object" && exports !== null ? Reflect.get(exports, job.name) : undefined;
  if (typeof fn !== "function") {
    const all = typeof exports === "object" && exports !== null ? exports : {};
    const names = Object.keys(all).filter((k) => typeof Reflect.get(all, k) === "function");
    throw new TypeError(
      `${job.module} has no function export named ${JSON.stringify(job.name)} (its function exports: ${names.join(", ") || "none"})`,
    );
  }
  return await Reflect.apply(fn, undefined, job.args);
}

/** Something the parent can receive for sure: the error itself if it clones, else its text. */
function sendable(error: unknown): unknown {
  try {
    structuredClone(error);
    return error;
  } catch {
    return new Error(error instanceof Error ? `${textOf(error.name)}: ${textOf(error)}` : textOf(error));
  }
}

if (isMainThread || parentPort === null) {
  throw new Error("mini-tokio/blocking: worker-main is the entry of a pool thread, not a module to import");
}
const port = parentPort;
port.on("message", (message: unknown) => {
  if (!isJobMessage(message)) return;
  run(message).then(
    (result) => {
      const moved: Transferable[] = [];
      const value = unwrapTransfer(result, moved);
      try {
        port.postMessage({ id: message.id, ok: true, value }, moved);
      } catch (error) {
        // The value could not be cloned (a function, a class with private state…).
        const why = textOf(error);
        port.postMessage({
          id: message.id,
          ok: false,
          error: new TypeError(
            `the value ${message.name}() returned cannot be sent back to the caller's thread: ${why}`,
          ),
        });
      }
    },
    (error: unknown) => port.postMessage({ id: message.id, ok: false, error: sendable(error) }),
  );
});

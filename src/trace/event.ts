/**
 * Trace events: what the executor did, step by step.
 *
 * Tracing is opt-in (`new Runtime({ trace })`): with no tracer the executor
 * pays one branch per poll and allocates nothing. The demo draws its
 * pictures from these events.
 *
 * @module
 */

/**
 * One thing the executor did to a task.
 *
 * - `spawn`: a task was created and queued.
 * - `poll`: the executor is about to poll the task's future.
 * - `pending` / `ready` / `failed`: what that poll returned (or threw).
 * - `wake`: the task's waker was called; `queued` says whether that put it
 *   in the run queue (false when it already was, or was being polled, or
 *   was finished).
 * - `abort`: `abort()` was requested; `cancelled`: the executor dropped the
 *   task's future.
 * - `yield-to-host`: the executor handed control back to the host event
 *   loop with tasks still queued, so host timers and I/O are served.
 *
 * @example
 * ```ts
 * import { Runtime, type TraceEvent } from "mini-tokio";
 * const events: TraceEvent[] = [];
 * const rt = new Runtime({ trace: (e) => events.push(e) });
 * ```
 */
export type TraceEvent =
  | {
      readonly kind: "spawn" | "poll" | "pending" | "ready" | "failed" | "abort" | "cancelled";
      readonly task: number;
      readonly name: string | undefined;
    }
  | { readonly kind: "wake"; readonly task: number; readonly name: string | undefined; readonly queued: boolean }
  | { readonly kind: "yield-to-host"; readonly queued: number };

/** Receives trace events; see {@link TraceEvent}. */
export type Tracer = (event: TraceEvent) => void;

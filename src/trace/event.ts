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
 *   `pending.requeued` is true when the task goes straight back to the run
 *   queue (it was woken during the poll, or aborted).
 * - `wake`: the task's waker was called; `queued` says whether that put it
 *   in the run queue now (false when it already was, was being polled — it
 *   is then re-queued after the poll — or was finished).
 * - `abort`: `abort()` was requested; `queued` says whether that put the
 *   task in the run queue to meet the abort at its turn.
 * - `drop`: the executor starts dropping the task's future (an abort at
 *   its turn, shutdown, or a stalled root); `finally` blocks run between
 *   this and `cancelled`.
 * - `cancelled`: the task's future was dropped.
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
      readonly kind: "spawn" | "poll" | "ready" | "failed" | "drop" | "cancelled";
      readonly task: number;
      readonly name: string | undefined;
    }
  | {
      readonly kind: "pending";
      readonly task: number;
      readonly name: string | undefined;
      readonly requeued: boolean;
    }
  | {
      readonly kind: "wake" | "abort";
      readonly task: number;
      readonly name: string | undefined;
      readonly queued: boolean;
    }
  | { readonly kind: "yield-to-host"; readonly queued: number };

/** Receives trace events; see {@link TraceEvent}. */
export type Tracer = (event: TraceEvent) => void;

/**
 * Trace events: what the executor did, step by step, and who woke whom.
 *
 * Listen with `rt.onEvent(listener)` (any number of listeners; it returns
 * the function that unsubscribes) or the `trace` option of `new Runtime`.
 * With nobody listening the executor pays one branch per poll and
 * allocates nothing; with a listener every step allocates its event object,
 * which the listener may keep (recording a run and drawing it afterwards is
 * what the demo does).
 *
 * The life of a task, as its events tell it:
 *
 * ```text
 *  spawn ─▶ poll ─▶ pending ─ … wake ─▶ poll ─▶ pending ─ … wake ─▶ poll ─▶ ready
 *                      │                                                 └▶ failed
 *                      └─ abort … drop ─▶ cancelled
 * ```
 *
 * - A **poll** is the pair `poll` (it starts) and one of `pending`, `ready`
 *   or `failed` (it ends, with its outcome). Nothing of the task's happens
 *   outside such a pair but its `wake`s, `abort` and `drop`.
 * - A task **completes** with its last event: `ready` (it returned a
 *   value), `failed` (it threw, or its drop threw) or `cancelled` (it was
 *   dropped: aborted, or the runtime shut down).
 * - Every `wake` says who called the waker (`cause`): another task (or the
 *   task itself) from inside its poll — a channel send, a lock release, a
 *   finished task waking its joiner, a `yieldNow` —, the runtime's timers,
 *   or the host (a callback, a promise, code outside any task).
 *
 * Events are emitted synchronously, in the order things happen, so a
 * listener sees causes before effects: the `ready` of a task comes before
 * the `wake` of the task awaiting its JoinHandle.
 *
 * ## Timestamps
 *
 * Reading a clock costs about as much as an `await`, so events carry times
 * only when asked: with `new Runtime({ timestamps: true })` (or a
 * `slowPollMs` threshold) every event has `at`, the milliseconds since the
 * runtime was created on the host's monotonic clock (or on the clock
 * function given as `timestamps`), and the events that end a poll have
 * `durationMs`. Without, both are absent.
 *
 * ## For future authors: describing what a task waits on
 *
 * `pending.waitingOn` and `rt.dump()` name the future a task's last poll
 * returned PENDING from: the outermost future awaited with `yield*` that
 * is not itself a generator future (`yield* timeout(100, rx.recv())` names
 * the timeout; a `yield* helper()` names what the helper awaits). A future
 * describes itself with an optional `describeWait()` method returning a few
 * words: the primitive, the operation, and the one number that matters —
 * `"Sleep(until 1500 ms)"`, `"mpsc Receiver.recv"`, `"Mutex.lock"`,
 * `"Semaphore.acquire(3)"`. It is only called when someone asks (a
 * listener, a dump), so it may build a string. Without one, the class name
 * is shown.
 *
 * @module
 */

/**
 * Who called a task's waker: the `cause` of a `wake` event.
 *
 * - `{ by: "task", task }`: code running inside the poll of task `task` —
 *   a channel send, a mutex release, a task finishing and waking its
 *   joiner; `task` is the woken task itself for a self-wake (`yieldNow`, a
 *   spent budget).
 * - `{ by: "timer" }`: the runtime's time driver fired a timer.
 * - `{ by: "host" }`: anything else: a host callback, a promise, code
 *   outside the runtime's tasks, a task of another runtime.
 *
 * @example
 * ```ts
 * import type { WakeCause } from "mini-tokio";
 * const explain = (c: WakeCause): string => (c.by === "task" ? `woken by task #${c.task}` : `woken by the ${c.by}`);
 * ```
 */
export type WakeCause =
  | { readonly by: "task"; readonly task: number }
  | { readonly by: "timer" }
  | { readonly by: "host" };

/** Fields every event of one task has. */
interface TaskEventBase {
  /** The task's id, unique within its runtime (the root of blockOn/run is #1 on a fresh runtime). */
  readonly task: number;
  /** The name given at spawn (`spawn(f, { name })`); the root of blockOn/run is "main". */
  readonly name: string | undefined;
  /** Milliseconds since the runtime was created, when timestamps are on. */
  readonly at?: number;
}

/**
 * One step of the executor. See the module documentation for how the
 * steps of a task fit together.
 *
 * - `spawn`: a task was created and queued. `parent` is the task whose poll
 *   spawned it (undefined when spawned from outside any task).
 * - `poll`: the executor starts polling the task's future.
 * - `pending`: the poll returned PENDING. `requeued` is true when the task
 *   goes straight back to the run queue (it was woken during its poll, or
 *   aborted); `waitingOn` describes the future it returned PENDING from
 *   (see "describing what a task waits on").
 * - `ready`: the poll returned a value: the task completed.
 * - `failed`: the task completed by throwing: during a poll (`during:
 *   "poll"`) or while its future was dropped (`during: "drop"`). `error` is
 *   what was thrown.
 * - `wake`: the task's waker was called, by `cause`. `queued` says whether
 *   that put the task in the run queue now (false when it already was, was
 *   being polled — it is then re-queued after the poll — or had finished).
 * - `abort`: `abort()` was requested; `queued` says whether that put the
 *   task in the run queue to meet the abort at its turn.
 * - `drop`: the executor starts dropping the task's future (an abort at its
 *   turn, shutdown, or a stalled root); `finally` blocks run between this
 *   and `cancelled` (or `failed` with `during: "drop"`).
 * - `cancelled`: the task's future was dropped: the task completed as
 *   cancelled.
 * - `budget-exhausted`: during this poll a leaf future's `pollProceed(cx)`
 *   found the cooperative budget spent: the leaf returned PENDING and woke
 *   the task, which goes to the back of the run queue (once per poll).
 * - `slow-poll`: the poll that just ended took `durationMs`, more than the
 *   runtime's `slowPollMs` threshold, without yielding. `location` is where
 *   it stopped (the await it is pending at) or, when it finished, where it
 *   was spawned, if location capture is on.
 * - `timer-fired`: the time driver fired a timer whose deadline
 *   (`deadlineMs`, on the runtime's clock) has passed; the `wake` it causes
 *   follows with `cause: { by: "timer" }`.
 * - `yield-to-host`: the executor handed control back to the host event
 *   loop with `queued` tasks still ready, so host timers and I/O are served.
 *
 * `durationMs` (on `pending`, `ready`, `failed` during a poll) and `at` are
 * present only when timestamps are on (`new Runtime({ timestamps: true })`
 * or `slowPollMs`).
 *
 * @example
 * ```ts
 * import { Runtime, type TraceEvent } from "mini-tokio";
 * const events: TraceEvent[] = [];
 * const rt = new Runtime();
 * const stop = rt.onEvent((e) => events.push(e));
 * // … run things, then:
 * stop();
 * ```
 */
export type TraceEvent =
  | (TaskEventBase & { readonly kind: "spawn"; readonly parent: number | undefined })
  | (TaskEventBase & { readonly kind: "poll" })
  | (TaskEventBase & {
      readonly kind: "pending";
      readonly requeued: boolean;
      readonly waitingOn: string;
      readonly durationMs?: number;
    })
  | (TaskEventBase & { readonly kind: "ready"; readonly durationMs?: number })
  | (TaskEventBase & {
      readonly kind: "failed";
      readonly during: "poll" | "drop";
      readonly error: unknown;
      readonly durationMs?: number;
    })
  | (TaskEventBase & { readonly kind: "wake"; readonly queued: boolean; readonly cause: WakeCause })
  | (TaskEventBase & { readonly kind: "abort"; readonly queued: boolean })
  | (TaskEventBase & { readonly kind: "drop" })
  | (TaskEventBase & { readonly kind: "cancelled" })
  | (TaskEventBase & { readonly kind: "budget-exhausted" })
  | (TaskEventBase & {
      readonly kind: "slow-poll";
      readonly durationMs: number;
      readonly thresholdMs: number;
      readonly location: string | undefined;
    })
  | { readonly kind: "timer-fired"; readonly deadlineMs: number; readonly at?: number }
  | { readonly kind: "yield-to-host"; readonly queued: number; readonly at?: number };

/**
 * The event of one kind: `TraceEventOf<"wake">` has `cause` and `queued`.
 *
 * @example
 * ```ts
 * import type { TraceEvent, TraceEventOf } from "mini-tokio";
 * const wakes = (events: TraceEvent[]): TraceEventOf<"wake">[] =>
 *   events.filter((e): e is TraceEventOf<"wake"> => e.kind === "wake");
 * ```
 */
export type TraceEventOf<K extends TraceEvent["kind"]> = Extract<TraceEvent, { readonly kind: K }>;

/**
 * The event a slow poll produces; also what `onSlowPoll` receives.
 *
 * @example
 * ```ts
 * import { Runtime, type SlowPollEvent } from "mini-tokio";
 * const slow: SlowPollEvent[] = [];
 * const rt = new Runtime({ slowPollMs: 20, onSlowPoll: (e) => slow.push(e) });
 * ```
 */
export type SlowPollEvent = TraceEventOf<"slow-poll">;

/**
 * Receives trace events; see {@link TraceEvent}. A listener that throws is
 * reported once (with `console.error`) and stays subscribed; the runtime
 * goes on as if it had returned.
 *
 * @example
 * ```ts
 * import type { Tracer } from "mini-tokio";
 * const log: Tracer = (e) => console.log(e.kind, "task" in e ? e.task : "");
 * ```
 */
export type Tracer = (event: TraceEvent) => void;

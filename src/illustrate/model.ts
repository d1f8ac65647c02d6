/**
 * A recorded trace, normalized for drawing.
 *
 * The renderers never read trace events directly: they draw a
 * {@link RunModel}, built here in one pass over the trace. It says who takes
 * part (the lanes: each task, the executor, the waker, the host), what each
 * step says from whom to whom (the messages: "poll", "Pending", "wake()",
 * "schedule", "Ready"…), and how each task spent its life (segments: queued,
 * running, waiting, being dropped). A new kind of trace event is one more
 * case in {@link modelRun}; the pictures follow.
 *
 * Two facts are not in the events and are rebuilt from their order: an
 * `abort()` made while task A is being polled (or dropped) was made by A,
 * and the run queue is replayed from the events that put tasks in it and
 * take them out. Who woke whom is in the events (`wake.cause`), as is who
 * spawned whom (`spawn.parent`).
 *
 * @module
 */

import { describe } from "../future/future.js";
import type { TraceEvent } from "../trace/event.js";

/**
 * A remark a program adds to its trace: what a future did that the
 * executor cannot see ("waker stored", "timer fired"). Drawn as a note on
 * the lane of the task that said it, or on the host's lane.
 *
 * @example
 * ```ts
 * import { Runtime, renderSequenceSvg, type TraceStep } from "mini-tokio";
 * const steps: TraceStep[] = [];
 * const rt = new Runtime({ trace: (e) => steps.push(e) });
 * steps.push({ kind: "note", text: "config loaded" }); // said by the host
 * const svg = renderSequenceSvg(steps);
 * ```
 */
export interface TraceNote {
  readonly kind: "note";
  /** What was said. */
  readonly text: string;
  /** The task that said it; absent (or undefined) when the host did. */
  readonly task?: number | undefined;
  /** Who said it, for the log (a task's name, "host"…). */
  readonly name?: string | undefined;
}

/**
 * One step of a recorded trace: an executor event, or a note the program
 * added. The renderers take a list of these.
 *
 * @example
 * ```ts
 * import { Runtime, type TraceStep } from "mini-tokio";
 * const steps: TraceStep[] = [];
 * const rt = new Runtime({ trace: (e) => steps.push(e) });
 * ```
 */
export type TraceStep = TraceEvent | TraceNote;

/** What a lane stands for. */
export type LaneKind = "task" | "executor" | "waker" | "timer" | "host";

/** A participant of the sequence diagram: a vertical lifeline. */
export interface Lane {
  /** Unique within the model: `task-3`, `executor`, `waker`, `timer`, `host`. */
  readonly key: string;
  readonly kind: LaneKind;
  /** First header line: "Task #3", "Executor"… */
  readonly title: string;
  /** Second header line: the task's name, or what the lane does. */
  readonly subtitle: string;
}

/** How a message is coloured, and what it means. */
export type Tone =
  | "spawn"
  | "poll"
  | "pending"
  | "ready"
  | "failed"
  | "wake"
  | "schedule"
  | "abort"
  | "drop"
  | "cancelled"
  | "host"
  | "timer"
  | "warning"
  | "note";

/** One arrow (or, when `from === to`, one note) of the sequence diagram. */
export interface Message {
  /** Index of the trace step it was drawn from. */
  readonly step: number;
  /** Lane key the arrow starts at. */
  readonly from: string;
  /** Lane key it points to; equal to `from` for a note on that lane. */
  readonly to: string;
  readonly label: string;
  readonly tone: Tone;
  /** An answer to a poll (Pending, Ready…): drawn dashed, like a return. */
  readonly reply: boolean;
  /** The step in one sentence, for tooltips and the event log. */
  readonly detail: string;
}

/** What a task was doing between two steps. */
export type TaskState = "queued" | "running" | "waiting" | "dropping";

/** A stretch of a task's life, between two step indices (inclusive instants). */
export interface Segment {
  readonly state: TaskState;
  readonly start: number;
  readonly end: number;
}

/** How a task ended, if it did within the trace. */
export type Outcome = "ready" | "failed" | "cancelled";

/** A wake, with who caused it. */
export interface Wake {
  readonly step: number;
  /** The task woken. */
  readonly task: number;
  /** The task whose code woke it, the runtime's timers, or the host (anything outside the runtime's tasks). */
  readonly by: number | "timer" | "host";
  /** Whether the wake put the task in the run queue. */
  readonly queued: boolean;
}

/** Everything the trace says about one task. */
export interface TaskLife {
  readonly id: number;
  readonly name: string | undefined;
  /** "#3 ping", or "#3" for a task without a name. */
  readonly label: string;
  /** The task that spawned it, undefined when spawned from outside (a root). */
  readonly spawnedBy: number | undefined;
  /** Step of its spawn event (0 when the trace starts after the spawn). */
  readonly firstStep: number;
  /** Step it finished at, or undefined when it was still alive at the end. */
  endStep: number | undefined;
  outcome: Outcome | undefined;
  polls: number;
  /** Wakes addressed to it, and how many of them queued it. */
  wakes: number;
  wakesQueued: number;
  /** Times it returned Pending and waited for a wake. */
  waits: number;
  readonly segments: Segment[];
}

/** Totals over the whole trace. */
export interface RunCounts {
  tasks: number;
  polls: number;
  pending: number;
  wakes: number;
  wakesQueued: number;
  ready: number;
  failed: number;
  cancelled: number;
  aborts: number;
  yieldsToHost: number;
  timersFired: number;
  budgetSpent: number;
  slowPolls: number;
  notes: number;
  /** Most tasks in the run queue at once. */
  maxQueue: number;
}

/** A trace, normalized for drawing. */
export interface RunModel {
  readonly lanes: readonly Lane[];
  readonly messages: readonly Message[];
  readonly tasks: readonly TaskLife[];
  readonly wakes: readonly Wake[];
  /**
   * Run queue (task ids, front first) after each step, for the first
   * `queueSteps` steps (see {@link ModelOptions}).
   */
  readonly queues: readonly (readonly number[])[];
  /**
   * When each step happened, in milliseconds, if the trace was recorded
   * with timestamps (events with an `at`); otherwise undefined.
   */
  readonly times: readonly number[] | undefined;
  /** Number of trace steps. */
  readonly steps: number;
  readonly counts: RunCounts;
}

/** Lane key of a task. */
export function taskLane(id: number): string {
  return `task-${id}`;
}

/** "#3 ping", or "#3". */
function taskLabel(id: number, name: string | undefined): string {
  return name === undefined || name === "" ? `#${id}` : `#${id} ${name}`;
}

/** Tasks by id, created on first sight: a trace may start after a spawn. */
class TaskBook {
  readonly byId = new Map<number, TaskLife>();
  /** The segment each task is in now, with its start. */
  private readonly open = new Map<number, { state: TaskState; start: number }>();

  get(id: number, name: string | undefined, step: number, spawnedBy?: number): TaskLife {
    let life = this.byId.get(id);
    if (life === undefined) {
      life = {
        id,
        name,
        label: taskLabel(id, name),
        spawnedBy,
        firstStep: step,
        endStep: undefined,
        outcome: undefined,
        polls: 0,
        wakes: 0,
        wakesQueued: 0,
        waits: 0,
        segments: [],
      };
      this.byId.set(id, life);
    }
    return life;
  }

  /** Ends the task's current segment at `step` and starts `state` (or nothing). */
  enter(life: TaskLife, state: TaskState | undefined, step: number): void {
    const current = this.open.get(life.id);
    if (current !== undefined && current.state === state) return;
    if (current !== undefined) life.segments.push({ state: current.state, start: current.start, end: step });
    if (state === undefined) this.open.delete(life.id);
    else this.open.set(life.id, { state, start: step });
  }

  /** Closes every segment still open at the end of the trace. */
  closeAll(step: number): void {
    for (const [id, current] of this.open) {
      this.byId.get(id)?.segments.push({ state: current.state, start: current.start, end: step });
    }
    this.open.clear();
  }
}

/** Options for {@link modelRun}. */
export interface ModelOptions {
  /** Keep the run queue's contents for this many first steps (default: all). */
  readonly queueSteps?: number;
}

/**
 * Builds the model of one recorded run. Task ids must be unique within the
 * trace: record each runtime separately (ids restart at #1 per runtime).
 */
export function modelRun(trace: Iterable<TraceStep>, options: ModelOptions = {}): RunModel {
  const { queueSteps = Number.POSITIVE_INFINITY } = options;
  const book = new TaskBook();
  const messages: Message[] = [];
  const wakes: Wake[] = [];
  const queues: (readonly number[])[] = [];
  // Insertion-ordered, so it iterates front first; O(1) to add and remove.
  const queue = new Set<number>();
  const times: number[] = [];
  let timed = true;
  const counts: RunCounts = {
    tasks: 0,
    polls: 0,
    pending: 0,
    wakes: 0,
    wakesQueued: 0,
    ready: 0,
    failed: 0,
    cancelled: 0,
    aborts: 0,
    yieldsToHost: 0,
    timersFired: 0,
    budgetSpent: 0,
    slowPolls: 0,
    notes: 0,
    maxQueue: 0,
  };
  let usesHost = false;
  let usesTimer = false;
  /** The task whose code runs now: being polled, or its future being dropped. */
  let actor: number | undefined;

  const unqueue = (id: number): void => {
    queue.delete(id);
  };
  const enqueue = (id: number): void => {
    queue.add(id);
    counts.maxQueue = Math.max(counts.maxQueue, queue.size);
  };
  const say = (step: number, from: string, to: string, label: string, tone: Tone, detail: string, reply = false) => {
    messages.push({ step, from, to, label, tone, reply, detail });
  };
  /** The lane a step caused by `by` starts from. */
  const origin = (by: number | "timer" | "host" | undefined): string => {
    if (typeof by === "number") return taskLane(by);
    if (by === "timer") {
      usesTimer = true;
      return "timer";
    }
    usesHost = true;
    return "host";
  };

  let step = 0;
  for (const event of trace) {
    // Traces come back from JSON files too: check each step before any
    // field reaches a label, a loop bound or the markup.
    checkStep(event, step);
    switch (event.kind) {
      case "note": {
        counts.notes++;
        const lane = event.task === undefined ? origin(undefined) : taskLane(book.get(event.task, event.name, step).id);
        say(
          step,
          lane,
          lane,
          event.text,
          "note",
          `${event.name ?? (event.task === undefined ? "host" : `#${event.task}`)}: ${event.text}`,
        );
        break;
      }
      case "yield-to-host":
        usesHost = true;
        actor = undefined;
        counts.yieldsToHost++;
        say(
          step,
          "executor",
          "host",
          `yield to host (${event.queued} queued)`,
          "host",
          `The executor hands control back to the host event loop with ${event.queued} task(s) still queued, so host timers and I/O are served.`,
        );
        break;
      case "spawn": {
        const by = event.parent;
        const life = book.get(event.task, event.name, step, by);
        counts.tasks++;
        enqueue(life.id);
        book.enter(life, "queued", step);
        const from = by === undefined ? "executor" : taskLane(by);
        say(
          step,
          from,
          "executor",
          `spawn ${life.label}`,
          "spawn",
          by === undefined
            ? `${life.label} is created from outside (blockOn, run or rt.spawn) and queued.`
            : `#${by} spawns ${life.label}: it is queued, and runs when polled (futures are lazy).`,
        );
        break;
      }
      case "poll": {
        const life = book.get(event.task, event.name, step);
        actor = life.id;
        life.polls++;
        counts.polls++;
        unqueue(life.id);
        book.enter(life, "running", step);
        say(
          step,
          "executor",
          taskLane(life.id),
          "poll",
          "poll",
          `The executor takes ${life.label} from the run queue and polls its future.`,
        );
        break;
      }
      case "pending": {
        const life = book.get(event.task, event.name, step);
        actor = undefined;
        counts.pending++;
        if (event.requeued) {
          enqueue(life.id);
          book.enter(life, "queued", step);
        } else {
          life.waits++;
          book.enter(life, "waiting", step);
        }
        say(
          step,
          taskLane(life.id),
          "executor",
          event.requeued ? "Pending ↻ requeued" : `Pending: ${event.waitingOn}`,
          "pending",
          event.requeued
            ? `${life.label} returned Pending from ${event.waitingOn} but was woken during its poll: back of the run queue${took(event)}.`
            : `${life.label} returned Pending from ${event.waitingOn}, having stored its waker: it waits for a wake${took(event)}.`,
          true,
        );
        break;
      }
      case "ready":
      case "failed":
      case "cancelled": {
        const life = book.get(event.task, event.name, step);
        actor = undefined;
        unqueue(life.id);
        book.enter(life, undefined, step);
        life.endStep = step;
        life.outcome = event.kind;
        counts[event.kind]++;
        const value = "value" in event ? `(${preview(event.value)})` : "";
        const [label, detail] =
          event.kind === "ready"
            ? [`Ready${value}`, `${life.label} is done${took(event)}: its JoinHandle wakes whoever awaits it.`]
            : event.kind === "failed"
              ? [
                  `threw ${errorName(event.error)}`,
                  `${life.label} threw ${errorText(event.error)} ${event.during === "drop" ? "while its future was dropped" : `during a poll${took(event)}`}: its JoinHandle will report a JoinError.`,
                ]
              : ["cancelled", `${life.label}'s future was dropped: its JoinHandle will report cancellation.`];
        say(step, taskLane(life.id), "executor", label, event.kind, detail, true);
        break;
      }
      case "wake": {
        const cause = event.cause;
        const by = cause.by === "task" ? cause.task : cause.by;
        const life = book.get(event.task, event.name, step);
        life.wakes++;
        counts.wakes++;
        wakes.push({ step, task: life.id, by, queued: event.queued });
        const self = by === life.id;
        if (event.queued) {
          life.wakesQueued++;
          counts.wakesQueued++;
          enqueue(life.id);
          book.enter(life, "queued", step);
        }
        const [why, short] = event.queued
          ? ["", ""]
          : self
            ? [" (inside its own poll: requeued when the poll returns)", ""]
            : life.outcome !== undefined
              ? [" (it finished: the wake does nothing)", "finished: no-op"]
              : [" (already queued: not queued twice)", "already queued"];
        const who =
          by === "timer"
            ? "by a timer"
            : by === "host"
              ? "from outside the runtime's tasks (a host callback, a promise)"
              : self
                ? "by itself"
                : `by #${by}`;
        say(
          step,
          origin(by),
          "waker",
          self ? "wake() itself" : `wake() ${life.label}`,
          "wake",
          `${life.label} is woken ${who}${why}.`,
        );
        if (event.queued) {
          say(
            step,
            "waker",
            "executor",
            `schedule ${life.label}`,
            "schedule",
            `The waker puts ${life.label} at the back of the run queue.`,
          );
        } else if (!self) {
          // Nothing reaches the executor: say why on the waker's lane. (A
          // self-wake needs no note: the "Pending ↻ requeued" that ends the
          // poll says it.)
          say(step, "waker", "waker", short, "note", `${life.label} is not queued${why}.`);
        }
        break;
      }
      case "abort": {
        const by = actor;
        const life = book.get(event.task, event.name, step);
        counts.aborts++;
        if (event.queued) {
          enqueue(life.id);
          book.enter(life, "queued", step);
        }
        say(
          step,
          origin(by),
          "executor",
          `abort() ${life.label}`,
          "abort",
          event.queued
            ? `abort() marks ${life.label} and queues it: the executor drops it at its turn.`
            : `abort() marks ${life.label}: the executor drops it at its next turn.`,
        );
        break;
      }
      case "budget-exhausted": {
        const life = book.get(event.task, event.name, step);
        counts.budgetSpent++;
        const lane = taskLane(life.id);
        say(
          step,
          lane,
          lane,
          "budget spent: the leaf says Pending",
          "warning",
          `${life.label} spent its cooperative budget in this poll: the leaf future that found it spent woke the task and returned Pending.`,
        );
        break;
      }
      case "slow-poll": {
        const life = book.get(event.task, event.name, step);
        counts.slowPolls++;
        const lane = taskLane(life.id);
        const where = event.location === undefined ? "" : ` at ${event.location}`;
        say(
          step,
          lane,
          lane,
          `slow poll: ${formatMs(event.durationMs)}`,
          "warning",
          `${life.label}'s poll ran ${formatMs(event.durationMs)} without yielding (threshold ${formatMs(event.thresholdMs)})${where}.`,
        );
        break;
      }
      case "timer-fired":
        counts.timersFired++;
        say(
          step,
          origin("timer"),
          "timer",
          `timer fired: ${formatMs(event.deadlineMs)}`,
          "timer",
          `The timer wheel fires a timer due at ${formatMs(event.deadlineMs)} on the runtime's clock; the wake it causes follows.`,
        );
        break;
      case "drop": {
        const life = book.get(event.task, event.name, step);
        actor = life.id;
        unqueue(life.id);
        book.enter(life, "dropping", step);
        say(
          step,
          "executor",
          taskLane(life.id),
          "drop",
          "drop",
          `The executor drops ${life.label}'s future: its finally blocks and using disposals run now.`,
        );
        break;
      }
    }
    // A copy per step costs the queue's length: only as many as are drawn.
    if (step < queueSteps) queues.push([...queue]);
    // Timestamps are opt-in: the timeline uses them only if every executor
    // step has one. A note without one happened between its neighbours.
    if ("at" in event && typeof event.at === "number") times.push(event.at);
    else if (event.kind === "note") times.push(Number.NaN);
    else timed = false;
    step++;
  }
  book.closeAll(Math.max(0, step - 1));

  const tasks = [...book.byId.values()].sort((a, b) => a.id - b.id);
  const lanes: Lane[] = tasks.map((t) => ({
    key: taskLane(t.id),
    kind: "task",
    title: `Task #${t.id}`,
    subtitle: t.name ?? "",
  }));
  lanes.push({ key: "executor", kind: "executor", title: "Executor", subtitle: "run queue" });
  lanes.push({ key: "waker", kind: "waker", title: "Waker", subtitle: "wake() → schedule" });
  if (usesTimer) lanes.push({ key: "timer", kind: "timer", title: "Timers", subtitle: "the timer wheel" });
  if (usesHost) lanes.push({ key: "host", kind: "host", title: "Host", subtitle: "callbacks · I/O" });
  return { lanes, messages, tasks, wakes, queues, times: timed ? fillTimes(times) : undefined, steps: step, counts };
}

/** Gives each untimed step (NaN) the time of the step before it (or after, at the start); undefined if none is timed. */
function fillTimes(times: number[]): number[] | undefined {
  const first = times.find((t) => !Number.isNaN(t));
  if (first === undefined) return undefined;
  let last = first;
  return times.map((t) => (Number.isNaN(t) ? last : (last = t)));
}

/** ", in 1.2 ms" when the event that ends a poll says how long it took. */
function took(event: object): string {
  return "durationMs" in event && typeof event.durationMs === "number" ? `, in ${formatMs(event.durationMs)}` : "";
}

/** Milliseconds, readably: µs under 1 ms, s from 1000 ms. */
export function formatMs(ms: number): string {
  const round = (n: number): string => String(Math.round(n * 100) / 100);
  if (ms === 0) return "0 ms";
  if (Math.abs(ms) < 1) return `${round(ms * 1000)} µs`;
  if (Math.abs(ms) < 1000) return `${round(ms)} ms`;
  return `${round(ms / 1000)} s`;
}

/** What was thrown, in a word: the error's name, or its type. */
function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}

/** What was thrown, in a line. */
function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return preview(error);
}

/** A short, single-line rendering of a value for a label. */
function preview(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}n`;
  else if (typeof value === "function") text = "function";
  else if (typeof value === "object" && value !== null) text = Array.isArray(value) ? `[…${value.length}]` : "{…}";
  else text = String(value);
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

/**
 * Every kind of step. A record keyed by the kinds, so the compiler insists
 * that a new kind of trace event is listed here too.
 */
const KIND_SET: Readonly<Record<TraceStep["kind"], true>> = {
  spawn: true,
  poll: true,
  pending: true,
  ready: true,
  failed: true,
  wake: true,
  abort: true,
  drop: true,
  cancelled: true,
  "budget-exhausted": true,
  "slow-poll": true,
  "timer-fired": true,
  "yield-to-host": true,
  note: true,
};
const KINDS: readonly string[] = Object.keys(KIND_SET);

/**
 * Throws a TypeError (a RangeError for a number out of range) unless
 * `value` is a well-formed trace step: the fields the renderers read have
 * the types {@link TraceStep} gives them, task ids are integers (they go
 * into markup attributes unescaped) and times are finite (they bound loops).
 */
function checkStep(value: unknown, index: number): asserts value is TraceStep {
  if (typeof value !== "object" || value === null || !("kind" in value)) {
    throw new TypeError(`trace step ${index}: a step must be an object with a kind, got ${describe(value, "kind")}`);
  }
  const step: { readonly [field: string]: unknown } = { ...value };
  const kind = step.kind;
  if (typeof kind !== "string" || !KINDS.includes(kind)) {
    throw new TypeError(
      `trace step ${index}: kind must be one of ${KINDS.map((k) => JSON.stringify(k)).join(", ")}, got ${describe(kind)}`,
    );
  }
  const where = `trace step ${index} (${kind})`;
  const fail = (field: string, allowed: string, got: unknown, range = false): never => {
    const text = `${where}: ${field} must be ${allowed}, got ${typeof got === "number" && range ? got : describe(got)}`;
    throw range ? new RangeError(text) : new TypeError(text);
  };
  const id = (field: string, v: unknown, optional: boolean): void => {
    if (optional && v === undefined) return;
    const allowed = `a task id (an integer ≥ 0)${optional ? " or undefined" : ""}`;
    if (typeof v !== "number") fail(field, allowed, v);
    else if (!Number.isSafeInteger(v) || v < 0) fail(field, allowed, v, true);
  };
  const ms = (field: string, v: unknown, optional: boolean): void => {
    if (optional && v === undefined) return;
    const allowed = "a finite number of milliseconds";
    if (typeof v !== "number") fail(field, allowed, v);
    else if (!Number.isFinite(v)) fail(field, allowed, v, true);
  };
  const text = (field: string, v: unknown, optional: boolean): void => {
    if (typeof v !== "string" && !(optional && v === undefined)) {
      fail(field, optional ? "a string or undefined" : "a string", v);
    }
  };
  const flag = (field: string, v: unknown): void => {
    if (typeof v !== "boolean") fail(field, "true or false", v);
  };
  ms("at", step.at, true);
  switch (kind) {
    case "note":
      text("text", step.text, false);
      id("task", step.task, true);
      text("name", step.name, true);
      return;
    case "timer-fired":
      ms("deadlineMs", step.deadlineMs, false);
      return;
    case "yield-to-host": {
      const queued = step.queued;
      if (typeof queued !== "number") fail("queued", "an integer ≥ 0", queued);
      else if (!Number.isSafeInteger(queued) || queued < 0) fail("queued", "an integer ≥ 0", queued, true);
      return;
    }
  }
  id("task", step.task, false);
  text("name", step.name, true);
  ms("durationMs", step.durationMs, true);
  switch (kind) {
    case "spawn":
      id("parent", step.parent, true);
      return;
    case "pending":
      flag("requeued", step.requeued);
      text("waitingOn", step.waitingOn, false);
      return;
    case "failed":
      if (step.during !== "poll" && step.during !== "drop") fail("during", '"poll" or "drop"', step.during);
      return;
    case "abort":
      flag("queued", step.queued);
      return;
    case "slow-poll":
      ms("durationMs", step.durationMs, false);
      ms("thresholdMs", step.thresholdMs, false);
      text("location", step.location, true);
      return;
    case "wake": {
      flag("queued", step.queued);
      const cause: unknown = step.cause;
      const by = typeof cause === "object" && cause !== null && "by" in cause ? cause.by : undefined;
      if (by === "task" && typeof cause === "object" && cause !== null && "task" in cause) {
        id("cause.task", cause.task, false);
      } else if (by !== "timer" && by !== "host") {
        fail("cause", '{ by: "task", task }, { by: "timer" } or { by: "host" }', cause);
      }
      return;
    }
  }
}

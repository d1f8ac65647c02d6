// What the trace tests share: a one-slot mailbox whose receiver parks on a
// hand-written leaf (as a channel's would), a recorder, small traced runs to
// draw, and a way to find the source line of a marked statement in a test
// file.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TraceStep } from "../../src/illustrate/index.js";
import {
  Awaitable,
  asyncFn,
  type Context,
  future,
  PENDING,
  type Poll,
  Runtime,
  spawn,
  type TraceEvent,
  type Waker,
  yieldNow,
} from "../../src/index.js";

/** A one-slot mailbox: `put` wakes the receiver parked in `take()`. */
export class Mailbox<T> {
  value: T | undefined = undefined;
  waker: Waker | undefined = undefined;

  put(v: T): void {
    this.value = v;
    const waker = this.waker;
    if (waker !== undefined) {
      this.waker = undefined;
      waker.wake();
    }
  }

  take(): Awaitable<T> {
    return new Take(this);
  }
}

class Take<T> extends Awaitable<T> {
  constructor(private readonly box: Mailbox<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    const v = this.box.value;
    if (v !== undefined) {
      this.box.value = undefined;
      return v;
    }
    this.box.waker = cx.waker;
    return PENDING;
  }
  describeWait(): string {
    return "Mailbox.take";
  }
}

/** Subscribes a recorder to `rt`: every event, in order. */
export function record(rt: Runtime): TraceEvent[] {
  const events: TraceEvent[] = [];
  rt.onEvent((e) => events.push(e));
  return events;
}

/** "kind #task" for each event of the given tasks (all tasks by default), for order assertions. */
export function steps(events: readonly TraceEvent[], tasks?: readonly number[]): string[] {
  return events
    .filter((e) => !("task" in e) || tasks === undefined || tasks.includes(e.task))
    .map((e) => {
      if (e.kind === "wake") {
        const by = e.cause.by === "task" ? `task #${e.cause.task}` : e.cause.by;
        return `wake #${e.task} by ${by}`;
      }
      if (e.kind === "timer-fired") return `timer-fired ${e.deadlineMs}`;
      if (e.kind === "yield-to-host") return "yield-to-host";
      return `${e.kind} #${e.task}`;
    });
}

/** A task body that yields once, then returns 7. */
export const child = asyncFn(function* () {
  yield* yieldNow();
  return 7;
});

/** The trace of a run where main spawns a {@link child} named `name` and awaits it: every wake comes from a task. */
export function spawnAndJoin(name = "child"): TraceStep[] {
  const steps: TraceStep[] = [];
  const rt = new Runtime({ trace: (e) => steps.push(e) });
  const v = rt.blockOn(
    future(function* () {
      return yield* spawn(child(), { name });
    }),
  );
  assert.equal(v, 7);
  return steps;
}

/** The trace of a run where main spawns `count` {@link child} tasks, then awaits each in turn: a run too large to draw whole. */
export function spawnMany(count: number): TraceStep[] {
  const steps: TraceStep[] = [];
  const rt = new Runtime({ trace: (e) => steps.push(e) });
  rt.blockOn(
    future(function* () {
      const handles = [];
      for (let i = 0; i < count; i++) handles.push(spawn(child()));
      for (const h of handles) yield* h;
    }),
  );
  return steps;
}

/**
 * The `file:line` of the line of `file` (a module URL) holding `marker`
 * (a comment such as `// ← await: timer`), as the dump prints it: relative
 * to the working directory.
 */
export function lineOf(moduleUrl: string, marker: string): string {
  const path = fileURLToPath(moduleUrl);
  const lines = readFileSync(path, "utf8").split("\n");
  const found = lines.findIndex((l) => l.includes(marker));
  if (found < 0) throw new Error(`marker ${marker} not found in ${path}`);
  const relative = path.startsWith(`${process.cwd()}/`) ? path.slice(process.cwd().length + 1) : path;
  return `${relative}:${found + 1}:`;
}

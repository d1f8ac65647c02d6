/**
 * Task dumps: every live task of a runtime, what it waits on, and where.
 *
 * `rt.dump()` answers the question a stuck program raises — which tasks
 * are alive, and what is each one waiting for? — the way tokio-console's
 * task list does. Each task reports the future its last poll returned
 * PENDING from (described by the future's optional `describeWait()`; see
 * the trace module), and, with `new Runtime({ captureLocations: true })`,
 * the source line of its spawn and of the `yield*` it is suspended at.
 *
 * ```text
 * 3 live tasks at 1500 ms (runtime clock)
 *   id  name      state    age ms  polls  waiting on                spawned at               awaiting at
 *   #1  main      waiting    1500      2  JoinHandle(#2 "worker")   app.ts:30:10             app.ts:33:12
 *   #2  worker    waiting    1500      1  mpsc Receiver.recv        app.ts:31:15             app.ts:12:20
 *   #3  ticker    waiting    1000      3  Sleep(until 2000 ms)      app.ts:32:15             app.ts:20:14
 * ```
 *
 * @module
 */

import type { TaskState } from "../task/state.js";

/**
 * One live task in a {@link RuntimeDump}.
 *
 * @example
 * ```ts
 * import type { TaskDump } from "mini-tokio";
 * const stuck = (t: TaskDump): boolean => t.state === "waiting" && t.ageMs > 60_000;
 * ```
 */
export interface TaskDump {
  /** The task's id. */
  readonly id: number;
  /** The name given at spawn; "main" for the root of blockOn/run. */
  readonly name: string | undefined;
  readonly state: TaskState;
  /**
   * Milliseconds on the runtime's clock since the task was spawned
   * (virtual time under a virtual clock). With the real clock the spawn is
   * dated by the executor's turn, not read per spawn: exact to a turn.
   */
  readonly ageMs: number;
  /** How many times the task was polled. */
  readonly polls: number;
  /**
   * The future the task's last poll returned PENDING from (for a waiting
   * task, what it waits on now), as its `describeWait()` puts it;
   * undefined before the first poll and while the task runs.
   */
  readonly waitingOn: string | undefined;
  /** Where the task was spawned (`file:line:column`), with `captureLocations`. */
  readonly spawnLocation: string | undefined;
  /** Where the task's code is suspended (the pending `yield*`), with `captureLocations`. */
  readonly awaitLocation: string | undefined;
}

/**
 * What `rt.dump()` returns: the live tasks, oldest first, and the clock
 * they were read at. `String(dump)` (or `dump.toString()`) is a readable
 * table.
 *
 * @example
 * ```ts
 * import { Runtime } from "mini-tokio";
 * const rt = new Runtime({ captureLocations: true });
 * console.log(String(rt.dump()));
 * ```
 */
export class RuntimeDump {
  /** @internal Use `rt.dump()`. */
  constructor(
    /** The runtime's clock when the dump was taken, in ms. */
    readonly nowMs: number,
    /** Every live task, oldest first. */
    readonly tasks: readonly TaskDump[],
  ) {}

  /** The dump as a table, one task per line. */
  toString(): string {
    const tasks = this.tasks;
    const head = `${tasks.length} live task${tasks.length === 1 ? "" : "s"} at ${msCell(this.nowMs)} ms (runtime clock)`;
    if (tasks.length === 0) return head;
    const locations = tasks.some((t) => t.spawnLocation !== undefined || t.awaitLocation !== undefined);
    const columns: { title: string; right: boolean; cell: (t: TaskDump) => string }[] = [
      { title: "id", right: false, cell: (t) => `#${t.id}` },
      { title: "name", right: false, cell: (t) => t.name ?? "" },
      { title: "state", right: false, cell: (t) => t.state },
      { title: "age ms", right: true, cell: (t) => msCell(t.ageMs) },
      { title: "polls", right: true, cell: (t) => String(t.polls) },
      { title: "waiting on", right: false, cell: (t) => t.waitingOn ?? "" },
    ];
    if (locations) {
      columns.push(
        { title: "spawned at", right: false, cell: (t) => t.spawnLocation ?? "" },
        { title: "awaiting at", right: false, cell: (t) => t.awaitLocation ?? "" },
      );
    }
    const rows = [columns.map((c) => c.title), ...tasks.map((t) => columns.map((c) => c.cell(t)))];
    // A fold, not Math.max(...rows): a spread of 10⁵ arguments overflows the stack.
    const widths = columns.map((_, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? "").length), 0));
    const line = (row: readonly string[]): string =>
      `  ${row
        .map((cell, i) => {
          const width = widths[i] ?? 0;
          return columns[i]?.right === true ? cell.padStart(width) : cell.padEnd(width);
        })
        .join("  ")}`.trimEnd();
    return [head, ...rows.map(line)].join("\n");
  }
}

function msCell(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toFixed(1);
}

/**
 * The tour's narrator: turns the runtime's trace events into an aligned log
 * and records every step, so the scenes can be drawn later from real runs.
 *
 * Two voices write to the log, and the difference is the lesson:
 *
 * - the **executor** speaks through the opt-in tracer
 *   (`new Runtime({ trace: narrator.trace })`): spawn, poll, Pending, wake,
 *   Ready, abort, cancelled. It sees tasks, never what is inside them;
 * - the **futures** speak through {@link Narrator.voice}: only a future
 *   knows where it keeps its waker, so "waker stored" is said by the future
 *   itself, at the moment it stores `cx.waker`.
 *
 * @module
 */

import type { TraceNote, TraceStep } from "../../src/illustrate/index.js";
import type { RuntimeMetrics, Tracer, WakeCause } from "../../src/index.js";

/** Something a future (or the host) says about itself, printed in the log. */
export type Say = (text: string) => void;

/**
 * One recorded run: the steps of one runtime (task ids restart at #1 with
 * each runtime, so each gets its own record), under its scene's title.
 */
export interface RecordedScene {
  /** The scene's title, and the take's label when a scene has several runs. */
  readonly title: string;
  /** File name stem for this run's picture: `2-ping-pong`, `1-waker-contract-run`. */
  readonly slug: string;
  /** Why the scene is there, in plain words (the lines printed under its title). */
  readonly why: readonly string[];
  /** Executor events and the futures' notes, in the order they happened. */
  readonly steps: TraceStep[];
  /** The runtime's metrics at the end of the run (`rt.metrics()`), when the scene took them. */
  metrics?: RuntimeMetrics;
}

/** Where the narrator writes: the console by default, nowhere when quiet. */
export interface NarratorOptions {
  readonly write?: (line: string) => void;
}

/**
 * `rt.run(f)` and `rt.blockOn(f)` take no spawn options, so the task they
 * create for `f` has no name. In this tour every unnamed task is such a
 * root, so we call it "main".
 */
const ROOT_NAME = "main";

/** Colors only for a terminal: CI logs and files get plain text. */
const COLOR = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

/** Text that may carry color codes, with the width it shows at. */
interface Painted {
  readonly text: string;
  readonly width: number;
}
const paint =
  (code: number) =>
  (text: string): Painted => ({ text: COLOR ? `\x1b[${code}m${text}\x1b[0m` : text, width: text.length });
const plain = (text: string): Painted => ({ text, width: text.length });
const dim = (text: string): string => paint(2)(text).text;
const bold = (text: string): string => paint(1)(text).text;
const red = paint(31);
const green = paint(32);
const yellow = paint(33);
const blue = (text: string): string => paint(34)(text).text;
const magenta = paint(35);
const cyan = paint(36);
/** Width of the step column: the longest step word, "cancelled", and a space. */
const STEP_WIDTH = 11;

/** Writes the tour's log and keeps its record. */
export class Narrator {
  /** Every scene so far, with all its steps. */
  readonly scenes: RecordedScene[] = [];
  /** The title of the scene being played, its file name stem and its why. */
  private current = "";
  private currentSlug = "";
  private currentWhy: readonly string[] = [];
  private readonly write: (line: string) => void;
  /** The task being polled right now, if any. */
  private polling: number | undefined = undefined;
  /** Tasks that finished: waking them does nothing. */
  private readonly finished = new Set<number>();
  /** Task id by label, learnt from spawn events, so a voice can show its task's id. */
  private readonly ids = new Map<string, number>();

  constructor(options: NarratorOptions = {}) {
    this.write = options.write ?? ((line) => console.log(line));
  }

  /**
   * Starts a scene: prints its title and the why, in plain words, and
   * records the steps that follow under that title. `slug` names its
   * picture file.
   */
  scene(title: string, slug: string, why: readonly string[]): void {
    this.current = title;
    this.currentSlug = slug;
    this.currentWhy = why;
    this.take();
    this.write("");
    this.write(bold(`── ${title} ${"─".repeat(Math.max(0, 72 - title.length))}`));
    for (const line of why) this.write(`  ${line}`);
    this.write("");
  }

  /**
   * Records what follows as a separate run of the current scene. Task ids
   * restart at #1 with each new Runtime, so each runtime gets its own
   * record: two tasks #1 in one record would be drawn as one. `why` is the
   * run's own caption in the report, when it shows something other than
   * what the scene says.
   */
  take(label?: string, slug?: string, why?: readonly string[]): void {
    if (this.scenes.at(-1)?.steps.length === 0) this.scenes.pop(); // a scene split into takes
    this.scenes.push({
      title: label === undefined ? this.current : `${this.current}: ${label}`,
      slug: slug === undefined ? this.currentSlug : `${this.currentSlug}-${slug}`,
      why: why ?? this.currentWhy,
      steps: [],
    });
    this.polling = undefined;
    this.finished.clear();
    this.ids.clear();
  }

  /** Keeps the runtime's metrics with the run being recorded, for the report. */
  metrics(metrics: RuntimeMetrics): void {
    const run = this.scenes.at(-1);
    if (run !== undefined) run.metrics = metrics;
  }

  /**
   * The narrator's own remark between steps: not an executor step, so not
   * recorded. Long remarks wrap at 80 columns.
   */
  aside(text: string): void {
    if (text === "") {
      this.write("");
      return;
    }
    let line = "";
    for (const word of text.split(" ")) {
      if (line === "") line = `  ${word}`;
      else if (line.length + 1 + word.length <= 80) line += ` ${word}`;
      else {
        this.write(dim(line));
        line = `    ${word}`;
      }
    }
    this.write(dim(line));
  }

  /** Source code shown as it is (indented, dim): no wrapping, not recorded. */
  code(text: string): void {
    for (const line of text.trimEnd().split("\n")) this.write(dim(`    ${line}`));
  }

  /**
   * The tracer to give the runtime. The runtime calls it synchronously at
   * each step, so the log interleaves exactly with what futures say.
   */
  readonly trace: Tracer = (event) => {
    this.record(event);
    if (event.kind === "yield-to-host") {
      // Not a task's step: the executor lets the host serve timers and I/O.
      return this.step("", "", plain("yield"), `to the host event loop, ${event.queued} still queued`);
    }
    if (event.kind === "timer-fired") {
      // Not a task's step either: the timer's wake follows, caused by the timer.
      return this.step("", "", plain("timer"), `deadline ${event.deadlineMs} ms reached`);
    }
    const { task } = event;
    const label = event.name ?? ROOT_NAME;
    switch (event.kind) {
      case "spawn":
        this.ids.set(label, task);
        return this.step(`#${task}`, label, plain("spawn"), "→ run queue");
      case "poll":
        this.polling = task;
        return this.step(`#${task}`, label, cyan("poll"));
      case "pending":
        this.polling = undefined;
        return event.requeued
          ? this.step(`#${task}`, label, yellow("Pending"), "→ back of the run queue (woken during its poll)")
          : this.step(`#${task}`, label, yellow("Pending"), `→ waits for a wake, on ${event.waitingOn}`);
      case "ready":
        this.polling = undefined;
        this.finished.add(task);
        return this.step(`#${task}`, label, green("Ready"), "done: its JoinHandle wakes whoever awaits it");
      case "failed":
        this.polling = undefined;
        this.finished.add(task);
        return this.step(`#${task}`, label, red("failed"), "threw: its JoinHandle will report a JoinError");
      case "wake":
        return this.step(`#${task}`, label, magenta("wake"), this.wakeOutcome(task, event.queued, event.cause));
      case "budget-exhausted":
        return this.step(
          `#${task}`,
          label,
          yellow("budget"),
          "spent: the leaf future returns Pending, the task yields",
        );
      case "slow-poll":
        return this.step(
          `#${task}`,
          label,
          red("slow"),
          `a poll of ${event.durationMs.toFixed(1)} ms without yielding`,
        );
      case "abort":
        return this.step(
          `#${task}`,
          label,
          red("abort"),
          event.queued ? "marked, and queued: carried out at its turn" : "marked: carried out at this task's next turn",
        );
      case "drop":
        return this.step(`#${task}`, label, red("drop"), "the executor disposes the future: its finally blocks run");
      case "cancelled":
        this.finished.add(task);
        return this.step(`#${task}`, label, red("cancelled"), "future dropped: its JoinHandle will report it");
    }
  };

  /**
   * A voice for a future or for the host: what it says is printed in the
   * log under its name and recorded as a `TraceNote`. `label` is the name
   * the task was spawned with ("main" for a root task), or "host".
   */
  voice(label: string): Say {
    return (text) => {
      const task = this.ids.get(label);
      const note: TraceNote = { kind: "note", task, name: label, text };
      this.record(note);
      this.line(task === undefined ? "" : `#${task}`, label, blue(`· ${text}`));
    };
  }

  /** Why a wake did (or did not) put the task in the run queue. */
  private wakeOutcome(task: number, queued: boolean, cause: WakeCause): string {
    if (queued) {
      const by = cause.by === "task" ? `by #${cause.task}` : cause.by === "timer" ? "by a timer" : "by the host";
      return `→ run queue (${by})`;
    }
    if (task === this.polling) return "inside its own poll: re-queued when the poll returns";
    if (this.finished.has(task)) return "task finished: nothing to do";
    return "already queued: not queued twice";
  }

  private record(step: TraceStep): void {
    this.scenes.at(-1)?.steps.push(step);
  }

  /** An executor step: what it did, padded so the details line up, then why. */
  private step(id: string, label: string, what: Painted, detail = ""): void {
    const pad = " ".repeat(Math.max(1, STEP_WIDTH - what.width));
    this.line(id, label, detail === "" ? what.text : `${what.text}${pad}${dim(detail)}`);
  }

  private line(id: string, label: string, step: string): void {
    this.write(`  ${id.padStart(3)} ${label.padEnd(8)} ${step}`);
  }
}

/**
 * A recorded run drawn as swimlanes: one row per task, across the run's
 * steps, showing when the task was queued, running (being polled), waiting
 * for a wake, or being dropped; with every wake drawn as an arrow from the
 * task (or the timers, or the host) that woke it.
 *
 * ```text
 *            step 1    5    10
 *   host     ·····························↓··
 *   #1 main  ▒█░░░░░░░░░░░░░░░░░░░░░░░░░▒█●
 *   #2 ping    ▒▒█▒▒█▒▒█●───wake───────↑
 * ```
 *
 * Used by the HTML report; pure string building, like the sequence diagram.
 *
 * @module
 */

import { clip, escapeXml, MONO, num, textWidth } from "./markup.js";
import { formatMs, type RunModel, type TaskState } from "./model.js";
import { INK, MUTED, PAPER, RULE, STATE_STYLE, TONE_COLOR } from "./palette.js";

const FONT = 12;
const ROW = 30;
const BAR = 14;
const AXIS = 30;
const PAD = 12;
/** Width the steps are spread over, when there are enough of them. */
const PLOT = 820;

/** A row: a task's id, or where outside wakes come from. */
type Row = number | "timer" | "host";

/** Options of {@link renderTimelineSvg}. */
export interface TimelineOptions {
  /** Prefix for the ids inside the SVG (see the sequence diagram's `idPrefix`). */
  readonly idPrefix: string;
  /** Most task rows drawn; the others are counted in a last line. */
  readonly maxTasks: number;
}

/** Step tick spacing: 1, 2, 5, 10, 20, 50… whichever leaves room for the numbers. */
function tickEvery(unit: number): number {
  for (let k = 1; ; k *= 10) {
    for (const m of [1, 2, 5]) if (k * m * unit >= 36) return k * m;
  }
}

/** Renders the swimlanes of a modelled run as an SVG element. @internal */
export function renderTimelineSvg(model: RunModel, options: TimelineOptions): string {
  const p = options.idPrefix;
  // Wakes from outside the tasks come from a row of their own.
  const rows: { key: Row; label: string }[] = [];
  if (model.wakes.some((w) => w.by === "timer")) rows.push({ key: "timer", label: "timers" });
  if (model.wakes.some((w) => w.by === "host")) rows.push({ key: "host", label: "host" });
  const shown = model.tasks.slice(0, options.maxTasks);
  const hidden = model.tasks.length - shown.length;
  for (const t of shown) rows.push({ key: t.id, label: clip(t.label, 24) });
  // A fold, not Math.max(...rows): a spread of many arguments overflows the stack.
  const labelW = rows.reduce((w, r) => Math.max(w, textWidth(r.label, FONT)), 70) + 20;
  const steps = Math.max(1, model.steps);
  const axis = timeAxis(model.times);
  // Steps get up to 40 px each; a long run widens the plot to at most
  // three times PLOT (it scrolls), then steps get thinner than a pixel.
  const unit = axis === undefined ? Math.min(40, Math.max(PLOT, Math.min(steps * 3, 3 * PLOT)) / steps) : PLOT / steps;
  const x =
    axis === undefined
      ? (pos: number): number => PAD + labelW + unit / 2 + pos * unit
      : (pos: number): number => PAD + labelW + 8 + axis.scale(pos) * (PLOT - 16);
  const width = Math.ceil(PAD + labelW + (axis === undefined ? steps * unit : PLOT) + PAD + 8);
  const rowIndex = new Map(rows.map((r, i) => [r.key, i]));
  const rowMid = (key: Row): number | undefined => {
    const i = rowIndex.get(key);
    return i === undefined ? undefined : AXIS + PAD + i * ROW + ROW / 2;
  };
  const height = Math.ceil(AXIS + PAD + Math.max(1, rows.length) * ROW + PAD + (hidden > 0 ? ROW : 0));

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="mt-timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Task timeline" font-family="${escapeXml(MONO)}" font-size="${FONT}">`,
    "<defs>",
    `<marker id="${p}-wake" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${TONE_COLOR.wake}"/></marker>`,
    `<pattern id="${p}-waiting" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${STATE_STYLE.waiting.fill}"/><line x1="0" y1="0" x2="0" y2="6" stroke="${STATE_STYLE.waiting.stroke}" stroke-width="2"/></pattern>`,
    "</defs>",
    `<rect width="${width}" height="${height}" fill="${PAPER}"/>`,
  );

  // Axis: step numbers (1-based, as in the sequence diagram and the log),
  // or milliseconds when the trace has timestamps.
  const tick = (tx: number, label: string): void => {
    out.push(
      `<line x1="${num(tx)}" y1="${AXIS + 2}" x2="${num(tx)}" y2="${height - PAD}" stroke="${RULE}" stroke-width="0.6"/>`,
      `<text class="tick" x="${num(tx)}" y="${AXIS - 4}" text-anchor="middle" font-size="10" fill="${MUTED}">${escapeXml(label)}</text>`,
    );
  };
  if (axis === undefined) {
    const every = tickEvery(unit);
    for (let s = 0; s < steps; s++) if ((s + 1) % every === 0 || s === 0) tick(x(s), String(s + 1));
  } else {
    const origin = PAD + labelW + 8;
    for (const t of axis.ticks)
      tick(origin + ((t - axis.start) / axis.span) * (PLOT - 16), t === axis.start ? "0" : formatMs(t - axis.start));
  }
  out.push(
    `<text x="${PAD}" y="${AXIS - 4}" font-size="10" fill="${MUTED}">${axis === undefined ? "step" : "time"}</text>`,
  );

  // Rows.
  rows.forEach((row, i) => {
    const mid = AXIS + PAD + i * ROW + ROW / 2;
    const task = typeof row.key === "number";
    const data = task ? `task-${row.key}` : row.key;
    out.push(
      `<g class="row" data-row="${data}">`,
      `<text class="row-label" x="${PAD}" y="${num(mid + 4)}" fill="${task ? INK : MUTED}"${task ? "" : ' font-style="italic"'}>${escapeXml(row.label)}</text>`,
      `<line x1="${PAD + labelW}" y1="${num(mid)}" x2="${width - PAD}" y2="${num(mid)}" stroke="${RULE}" stroke-width="0.6" stroke-dasharray="2 3"/>`,
      "</g>",
    );
  });

  // Each task's life: segments, spawn and end marks.
  for (const task of shown) {
    const mid = rowMid(task.id) ?? 0;
    for (const seg of task.segments) {
      const x1 = x(seg.start);
      const w = Math.max(3, x(seg.end) - x1);
      out.push(
        `<rect class="segment" data-task="${task.id}" data-state="${seg.state}" x="${num(x1)}" y="${num(mid - BAR / 2)}" width="${num(w)}" height="${BAR}" rx="2" fill="${segmentFill(seg.state, p)}" stroke="${STATE_STYLE[seg.state].stroke}" stroke-width="0.8"><title>${escapeXml(`${task.label}: ${seg.state}, steps ${seg.start + 1}–${seg.end + 1}`)}</title></rect>`,
      );
    }
    const from = task.spawnedBy === undefined ? undefined : rowMid(task.spawnedBy);
    if (from !== undefined) {
      out.push(
        `<line x1="${num(x(task.firstStep))}" y1="${num(from)}" x2="${num(x(task.firstStep))}" y2="${num(mid - BAR / 2)}" stroke="${TONE_COLOR.spawn}" stroke-width="1" stroke-dasharray="2 2"><title>${escapeXml(`#${task.spawnedBy} spawns ${task.label}`)}</title></line>`,
      );
    }
    if (task.endStep !== undefined) {
      const ex = x(task.endStep) + 7;
      out.push(
        task.outcome === "ready"
          ? `<circle class="end" data-outcome="ready" cx="${num(ex)}" cy="${num(mid)}" r="4.5" fill="${TONE_COLOR.ready}"><title>${escapeXml(`${task.label}: Ready at step ${task.endStep + 1}`)}</title></circle>`
          : `<path class="end" data-outcome="${task.outcome}" d="M${num(ex - 4)},${num(mid - 4)} l8,8 m0,-8 l-8,8" stroke="${TONE_COLOR.cancelled}" stroke-width="2"><title>${escapeXml(`${task.label}: ${task.outcome} at step ${task.endStep + 1}`)}</title></path>`,
      );
    }
  }

  // Wakes: an arrow from whoever woke to the task woken.
  for (const wake of model.wakes) {
    const to = rowMid(wake.task);
    const from = rowMid(wake.by);
    if (to === undefined || from === undefined) continue; // a task not drawn
    const wx = x(wake.step);
    const who = typeof wake.by === "number" ? `#${wake.by}` : wake.by === "timer" ? "a timer" : "the host";
    const title = `step ${wake.step + 1}: ${who} wakes #${wake.task}${wake.queued ? " → run queue" : " (not queued)"}`;
    if (from === to) {
      out.push(
        `<circle class="wake" data-task="${wake.task}" cx="${num(wx)}" cy="${num(to - BAR / 2 - 4)}" r="3" fill="${TONE_COLOR.wake}"><title>${escapeXml(title)}</title></circle>`,
      );
      continue;
    }
    const dir = Math.sign(to - from);
    out.push(
      `<line class="wake" data-task="${wake.task}" x1="${num(wx)}" y1="${num(from + dir * 4)}" x2="${num(wx)}" y2="${num(to - (dir * BAR) / 2 - dir)}" stroke="${TONE_COLOR.wake}" stroke-width="1.6"${wake.queued ? "" : ' stroke-dasharray="3 2"'} marker-end="url(#${p}-wake)"><title>${escapeXml(title)}</title></line>`,
    );
  }
  if (hidden > 0) {
    out.push(
      `<text class="more" x="${PAD}" y="${height - PAD - 8}" fill="${MUTED}">… ${hidden} more task${hidden === 1 ? "" : "s"} not drawn (maxTasks: ${options.maxTasks})</text>`,
    );
  }
  if (rows.length === 0) {
    out.push(`<text x="${PAD}" y="${AXIS + PAD + 18}" fill="${MUTED}">(no tasks in this trace)</text>`);
  }
  out.push("</svg>");
  return out.join("\n");
}

/** Whether the timeline of `model` is drawn against time (ms) rather than steps. @internal */
export function hasTimeAxis(model: RunModel): boolean {
  return timeAxis(model.times) !== undefined;
}

/**
 * The time axis of a timed trace: each step's position as a fraction of
 * the run's span, and round tick values. Undefined for an untimed trace,
 * or one that took no measurable time.
 */
function timeAxis(
  times: readonly number[] | undefined,
): { scale: (step: number) => number; start: number; span: number; ticks: number[] } | undefined {
  if (times === undefined || times.length === 0) return undefined;
  const start = times.reduce((a, t) => Math.min(a, t), Number.POSITIVE_INFINITY);
  const span = times.reduce((a, t) => Math.max(a, t), Number.NEGATIVE_INFINITY) - start;
  // The ticks loop steps by `every`: a span that overflows, or one so small
  // that its tick underflows to 0, would never end it. Draw steps instead.
  if (!(span > 0 && span < Number.POSITIVE_INFINITY)) return undefined;
  let every = 10 ** Math.floor(Math.log10(span / 8));
  if (!(every > 0)) return undefined;
  for (const m of [1, 2, 5, 10]) {
    if ((span / (every * m)) * 64 <= PLOT) {
      every *= m;
      break;
    }
  }
  const ticks: number[] = [];
  for (let t = 0; t <= span + every / 1e6; t += every) ticks.push(start + t);
  return { scale: (step) => ((times[step] ?? start) - start) / span, start, span, ticks };
}

function segmentFill(state: TaskState, prefix: string): string {
  return state === "waiting" ? `url(#${prefix}-waiting)` : STATE_STYLE[state].fill;
}

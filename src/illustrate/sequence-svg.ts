/**
 * A recorded trace drawn as a sequence diagram: one lifeline per task, one
 * for the executor, one for the waker (and one for the host when something
 * came from outside), and the run's steps as arrows between them, top to
 * bottom in the order they happened.
 *
 * ```text
 *   Task #1        Executor        Waker         Host
 *     │ ◀── poll ──── │              │             │
 *     │ ── Pending ─▶ │              │             │
 *     │               │              │ ◀─ wake() ─ │
 *     │               │ ◀ schedule ─ │             │
 *     │ ◀── poll ──── │              │             │
 *     │ ── Ready ───▶ │              │             │
 * ```
 *
 * Pure string building: it runs on any engine, needs no DOM, and the
 * result is a standalone SVG document (or an element to inline in HTML).
 *
 * @module
 */

import { describe } from "../future/future.js";
import { checkCount } from "../util/check.js";
import { checkText, clip, escapeXml, MONO, num, textWidth } from "./markup.js";
import { type Lane, type LaneKind, type Message, modelRun, type RunModel, type TraceStep, taskLane } from "./model.js";
import { INK, MUTED, PAPER, RULE, STATE_STYLE, TONE_COLOR } from "./palette.js";

/**
 * Options for {@link renderSequenceSvg}.
 *
 * @example
 * ```ts
 * import { renderSequenceSvg, type SequenceSvgOptions } from "mini-tokio";
 * const options: SequenceSvgOptions = { title: "ping-pong", maxMessages: 200, showQueue: false };
 * const svg = renderSequenceSvg([], options);
 * ```
 */
export interface SequenceSvgOptions {
  /** A title drawn above the lanes (and the document's accessible name). */
  readonly title?: string;
  /**
   * Most messages drawn (default 400); the rest are counted in a last line.
   * A long run makes a tall picture: trace a small program.
   */
  readonly maxMessages?: number;
  /**
   * Prefix of the ids inside the SVG (arrow markers), so several diagrams
   * inlined in one HTML page keep their ids unique. Default `"mt"`.
   */
  readonly idPrefix?: string;
  /** Show the run queue after each step in a column on the right (default true). */
  readonly showQueue?: boolean;
}

const FONT = 12;
const TITLE_FONT = 15;
const HEAD_FONT = 13;
const SUB_FONT = 11;
const ROW = 26;
const HEAD_H = 42;
const GUTTER = 34;
const PAD = 16;
const MIN_GAP = 110;
const MAX_LABEL = 56;
const MAX_NOTE = 72;
/** Task ids shown in the run-queue column, front first. */
const QUEUE_SHOWN = 8;
/** A note's box starts this far right of its lifeline. */
const NOTE_OFFSET = 9;

/**
 * Renders a recorded trace as an SVG sequence diagram: lanes for each
 * task, the executor and the waker, and arrows for poll, Pending, wake(),
 * schedule, Ready, abort, drop… in the order they happened. Notes the
 * program added ({@link TraceNote}) are drawn on the lane of whoever said
 * them. All text is escaped.
 *
 * A trace read back from JSON is checked step by step: a malformed step (an
 * unknown kind, a task id that is not an integer, a timestamp that is not
 * finite) is a TypeError or RangeError naming the step and what is allowed.
 *
 * Record one runtime per trace: task ids restart at #1 in each runtime.
 *
 * @example
 * ```ts
 * import { Runtime, future, renderSequenceSvg, spawn, yieldNow, type TraceStep } from "mini-tokio";
 * const steps: TraceStep[] = [];
 * const rt = new Runtime({ trace: (e) => steps.push(e) });
 * rt.blockOn(future(function* () {
 *   yield* spawn(future(function* () { yield* yieldNow(); }), { name: "child" });
 * }));
 * const svg = renderSequenceSvg(steps, { title: "spawn and join" });
 * ```
 */
export function renderSequenceSvg(trace: Iterable<TraceStep>, options: SequenceSvgOptions = {}): string {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`renderSequenceSvg(trace, options): options must be an object, got ${describe(options)}`);
  }
  const { title, maxMessages = 400, idPrefix = "mt", showQueue = true } = options;
  checkCount("renderSequenceSvg(trace, options)", "maxMessages", maxMessages, 0, Number.MAX_SAFE_INTEGER);
  if (title !== undefined) checkText("renderSequenceSvg(trace, options)", "title", title);
  if (!/^[A-Za-z][\w-]*$/.test(idPrefix)) {
    throw new TypeError(
      `renderSequenceSvg(trace, { idPrefix }): must start with a letter and hold only letters, digits, _ and -, got ${JSON.stringify(idPrefix)}`,
    );
  }
  // Steps never outnumber messages: the queue is needed for the drawn ones only.
  return drawSequence(modelRun(trace, { queueSteps: showQueue ? maxMessages : 0 }), {
    title,
    maxMessages,
    idPrefix,
    showQueue,
  });
}

interface Layout {
  readonly title: string | undefined;
  readonly maxMessages: number;
  readonly idPrefix: string;
  readonly showQueue: boolean;
}

/** Header colours: tasks neutral, the runtime's parts tinted. */
const LANE_FILL: Readonly<Record<LaneKind, string>> = {
  task: "#f8fafc",
  executor: "#eff6ff",
  waker: "#fdf4ff",
  timer: "#f0fdfa",
  host: "#ecfeff",
};

/** Width of a lane's header box. */
function headerWidth(lane: Lane): number {
  return Math.max(92, textWidth(lane.title, HEAD_FONT) + 24, textWidth(lane.subtitle, SUB_FONT) + 20);
}

/** Width of a note's box. */
function noteWidth(message: Message): number {
  return textWidth(clip(message.label, MAX_NOTE), FONT) + 16;
}

/** x of each lane's lifeline, before shifting: wide enough for every label between lanes. */
function laneOffsets(
  lanes: readonly Lane[],
  messages: readonly Message[],
  index: ReadonlyMap<string, number>,
): number[] {
  const gaps: number[] = [];
  for (let i = 0; i + 1 < lanes.length; i++) {
    const a = lanes[i];
    const b = lanes[i + 1];
    gaps.push(
      a === undefined || b === undefined ? MIN_GAP : Math.max(MIN_GAP, (headerWidth(a) + headerWidth(b)) / 2 + 14),
    );
  }
  // Arrows between neighbours first, then the ones that span lanes, widening
  // every gap they cross evenly.
  const arrows = messages
    .filter((m) => m.from !== m.to)
    .map((m) => {
      const a = index.get(m.from) ?? 0;
      const b = index.get(m.to) ?? 0;
      return { lo: Math.min(a, b), hi: Math.max(a, b), need: textWidth(clip(m.label, MAX_LABEL), FONT) + 28 };
    })
    .sort((p, q) => p.hi - p.lo - (q.hi - q.lo));
  for (const { lo, hi, need } of arrows) {
    let have = 0;
    for (let i = lo; i < hi; i++) have += gaps[i] ?? 0;
    if (have >= need) continue;
    const extra = (need - have) / (hi - lo);
    for (let i = lo; i < hi; i++) gaps[i] = (gaps[i] ?? 0) + extra;
  }
  const xs = [0];
  for (const gap of gaps) xs.push((xs.at(-1) ?? 0) + gap);
  return xs;
}

function drawSequence(model: RunModel, layout: Layout): string {
  const drawn = model.messages.slice(0, layout.maxMessages);
  const hidden = model.messages.length - drawn.length;
  // Lanes for what the drawn messages touch (a long run cut short does not
  // draw a thousand empty lifelines), and always the executor and the waker.
  const touched = new Set(drawn.flatMap((m) => [m.from, m.to]));
  const lanes = model.lanes.filter((l) => l.kind === "executor" || l.kind === "waker" || touched.has(l.key));
  const index = new Map(lanes.map((lane, i) => [lane.key, i]));
  const offsets = laneOffsets(lanes, drawn, index);
  /** Notes on the last lane hang left, over the others, rather than widen the picture. */
  const hangsLeft = (lane: number): boolean => lanes.length > 1 && lane === lanes.length - 1;

  // Horizontal extent: headers, and notes (they hang right of their lane).
  let left = 0;
  let right = 0;
  lanes.forEach((lane, i) => {
    const x = offsets[i] ?? 0;
    left = Math.min(left, x - headerWidth(lane) / 2);
    right = Math.max(right, x + headerWidth(lane) / 2);
  });
  for (const m of drawn) {
    if (m.from !== m.to) continue;
    const lane = index.get(m.from) ?? 0;
    const x = offsets[lane] ?? 0;
    if (hangsLeft(lane)) left = Math.min(left, x - NOTE_OFFSET - noteWidth(m));
    else right = Math.max(right, x + NOTE_OFFSET + noteWidth(m));
  }
  const shift = GUTTER + PAD - left;
  const laneX = (key: string): number => (offsets[index.get(key) ?? 0] ?? 0) + shift;

  const queueTexts = layout.showQueue ? queueColumn(model, drawn) : [];
  const queueX = right + shift + 28;
  const queueW = layout.showQueue
    ? queueTexts.reduce((w, t) => Math.max(w, textWidth(t ?? "", SUB_FONT)), textWidth("after the step", SUB_FONT)) + 8
    : 0;
  const width = Math.ceil(layout.showQueue ? queueX + queueW + PAD : right + shift + PAD);

  const titleH = layout.title === undefined ? 0 : 30;
  const headTop = PAD + titleH;
  const firstRow = headTop + HEAD_H + 26;
  const rowY = (row: number): number => firstRow + row * ROW;
  const bottom = rowY(Math.max(0, drawn.length - 1)) + (hidden > 0 ? 34 : 18);
  const height = Math.ceil(bottom + PAD);

  // Rows each step's messages occupy, for activation bars and end marks.
  const firstRowOf = new Map<number, number>();
  const lastRowOf = new Map<number, number>();
  drawn.forEach((m, row) => {
    if (!firstRowOf.has(m.step)) firstRowOf.set(m.step, row);
    lastRowOf.set(m.step, row);
  });
  const stepTop = (step: number): number | undefined => {
    const row = firstRowOf.get(step);
    return row === undefined ? undefined : rowY(row);
  };

  const out: string[] = [];
  const p = layout.idPrefix;
  const label = layout.title ?? "mini-tokio run";
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="mt-sequence" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(`Sequence diagram: ${label}`)}" font-family="${escapeXml(MONO)}" font-size="${FONT}">`,
  );
  out.push(`<title>${escapeXml(label)}</title>`);
  out.push("<defs>");
  for (const [tone, color] of Object.entries(TONE_COLOR)) {
    out.push(
      `<marker id="${p}-arrow-${tone}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`,
    );
  }
  out.push("</defs>");
  out.push(`<rect width="${width}" height="${height}" fill="${PAPER}"/>`);
  if (layout.title !== undefined) {
    out.push(
      `<text x="${PAD}" y="${PAD + 16}" font-size="${TITLE_FONT}" font-weight="bold" fill="${INK}">${escapeXml(layout.title)}</text>`,
    );
  }

  // Lifelines, with each task's life, activations and end drawn on them.
  const lifeTop = headTop + HEAD_H;
  for (const lane of lanes) {
    const x = laneX(lane.key);
    out.push(
      `<g class="lane" data-lane="${escapeXml(lane.key)}" data-kind="${lane.kind}">`,
      `<line x1="${num(x)}" y1="${lifeTop}" x2="${num(x)}" y2="${num(bottom)}" stroke="${RULE}" stroke-dasharray="3 4"/>`,
    );
    const w = headerWidth(lane);
    const fill = LANE_FILL[lane.kind];
    out.push(
      `<rect x="${num(x - w / 2)}" y="${headTop}" width="${num(w)}" height="${HEAD_H}" rx="6" fill="${fill}" stroke="#94a3b8"/>`,
      `<text class="lane-title" x="${num(x)}" y="${headTop + 17}" text-anchor="middle" font-size="${HEAD_FONT}" font-weight="bold" fill="${INK}">${escapeXml(lane.title)}</text>`,
    );
    if (lane.subtitle !== "") {
      out.push(
        `<text class="lane-subtitle" x="${num(x)}" y="${headTop + 33}" text-anchor="middle" font-size="${SUB_FONT}" fill="${MUTED}">${escapeXml(clip(lane.subtitle, 28))}</text>`,
      );
    }
    out.push("</g>");
  }
  for (const task of model.tasks) {
    if (!index.has(taskLane(task.id))) continue;
    const x = laneX(taskLane(task.id));
    const from = stepTop(task.firstStep) ?? lifeTop;
    const endRow = task.endStep === undefined ? undefined : lastRowOf.get(task.endStep);
    const to = endRow === undefined ? bottom : rowY(endRow);
    out.push(
      `<line x1="${num(x)}" y1="${num(from)}" x2="${num(x)}" y2="${num(to)}" stroke="#94a3b8" stroke-dasharray="5 3"/>`,
    );
    for (const seg of task.segments) {
      if (seg.state !== "running" && seg.state !== "dropping") continue;
      const y1 = stepTop(seg.start);
      const endRowOf = lastRowOf.get(seg.end);
      if (y1 === undefined) continue;
      const y2 = endRowOf === undefined ? bottom : rowY(endRowOf);
      const style = STATE_STYLE[seg.state];
      out.push(
        `<rect class="activation" data-state="${seg.state}" x="${num(x - 5)}" y="${num(y1 - 4)}" width="10" height="${num(Math.max(8, y2 - y1 + 8))}" rx="2" fill="${style.fill}" stroke="${style.stroke}"/>`,
      );
    }
    if (endRow !== undefined) {
      const y = rowY(endRow);
      if (task.outcome === "ready") {
        out.push(`<circle cx="${num(x)}" cy="${num(y + 11)}" r="4" fill="${TONE_COLOR.ready}"/>`);
      } else {
        const c = TONE_COLOR.cancelled;
        out.push(`<path d="M${num(x - 5)},${num(y + 6)} l10,10 m0,-10 l-10,10" stroke="${c}" stroke-width="2"/>`);
      }
    }
  }

  // The messages, one row each.
  let lastStep = -1;
  drawn.forEach((m, row) => {
    const y = rowY(row);
    if (m.step !== lastStep) {
      out.push(
        `<text class="step" x="${GUTTER}" y="${num(y + 4)}" text-anchor="end" font-size="${SUB_FONT}" fill="#9ca3af">${m.step + 1}</text>`,
      );
      lastStep = m.step;
    }
    const color = TONE_COLOR[m.tone];
    const text = escapeXml(clip(m.label, MAX_LABEL));
    out.push(`<g class="msg" data-step="${m.step}" data-tone="${m.tone}" data-from="${m.from}" data-to="${m.to}">`);
    out.push(`<title>${escapeXml(m.detail)}</title>`);
    if (m.from === m.to) {
      // A note hangs right of its lifeline (left of the last one), clear of
      // the activation bar, and covers whatever lifelines it crosses.
      const w = noteWidth(m);
      const x = hangsLeft(index.get(m.from) ?? 0) ? laneX(m.from) - NOTE_OFFSET - w : laneX(m.from) + NOTE_OFFSET;
      const fill = m.tone === "note" ? "#fefce8" : m.tone === "warning" ? "#fff7ed" : "#f8fafc";
      const stroke = m.tone === "note" ? "#e7d87a" : color;
      out.push(
        `<rect x="${num(x)}" y="${num(y - 10)}" width="${num(w)}" height="20" rx="4" fill="${fill}" stroke="${stroke}"/>`,
        `<text class="label" x="${num(x + 8)}" y="${num(y + 4)}" fill="${color}"${m.tone === "note" ? ' font-style="italic"' : ""}>${escapeXml(clip(m.label, MAX_NOTE))}</text>`,
      );
    } else {
      const x1 = laneX(m.from);
      const x2 = laneX(m.to);
      const dir = Math.sign(x2 - x1);
      const dash = m.reply ? ' stroke-dasharray="6 4"' : "";
      out.push(
        `<line x1="${num(x1 + dir * 6)}" y1="${num(y)}" x2="${num(x2 - dir * 7)}" y2="${num(y)}" stroke="${color}" stroke-width="1.6"${dash} marker-end="url(#${p}-arrow-${m.tone})"/>`,
      );
      // A long arrow's label sits over the lifelines it passes: give it a
      // paper backing, so no lifeline runs through the words.
      const w = textWidth(clip(m.label, MAX_LABEL), FONT) + 6;
      out.push(
        `<rect class="label-backing" x="${num((x1 + x2) / 2 - w / 2)}" y="${num(y - 18)}" width="${num(w)}" height="15" fill="${PAPER}"/>`,
        `<text class="label" x="${num((x1 + x2) / 2)}" y="${num(y - 5)}" text-anchor="middle" fill="${color}" stroke="${PAPER}" stroke-width="3" paint-order="stroke">${text}</text>`,
      );
    }
    out.push("</g>");
    const queue = queueTexts[row];
    if (queue !== undefined) {
      out.push(
        `<text class="queue" x="${num(queueX)}" y="${num(y + 4)}" font-size="${SUB_FONT}" fill="${TONE_COLOR.schedule}">${escapeXml(queue)}</text>`,
      );
    }
  });
  if (layout.showQueue) {
    out.push(
      `<text x="${num(queueX)}" y="${headTop + 17}" font-size="${SUB_FONT}" font-weight="bold" fill="${MUTED}">run queue</text>`,
      `<text x="${num(queueX)}" y="${headTop + 33}" font-size="${SUB_FONT}" fill="${MUTED}">after the step</text>`,
    );
  }
  if (drawn.length === 0) {
    out.push(
      `<text class="empty" x="${GUTTER + PAD}" y="${num(firstRow)}" fill="${MUTED}">(empty trace: nothing happened)</text>`,
    );
  }
  if (hidden > 0) {
    out.push(
      `<text class="more" x="${GUTTER + PAD}" y="${num(bottom - 6)}" fill="${MUTED}">… ${hidden} more message${hidden === 1 ? "" : "s"} not drawn (maxMessages: ${layout.maxMessages})</text>`,
    );
  }
  out.push("</svg>");
  return out.join("\n");
}

/**
 * The run queue after each drawn row, as task ids ("#2 #3"), shown only on
 * the last row of a step and only when it changed, so the column reads as
 * a history of the queue.
 */
function queueColumn(model: RunModel, drawn: readonly Message[]): (string | undefined)[] {
  let shown = "";
  return drawn.map((m, row) => {
    const next = drawn[row + 1];
    if (next !== undefined && next.step === m.step) return undefined;
    const queue = model.queues[m.step] ?? [];
    // A long queue shows its front: that is what runs next.
    const front = queue.slice(0, QUEUE_SHOWN).map((id) => `#${id}`);
    if (queue.length > QUEUE_SHOWN) front.push(`… +${queue.length - QUEUE_SHOWN}`);
    const text = queue.length === 0 ? "—" : front.join(" ");
    if (text === shown) return undefined;
    shown = text;
    return text;
  });
}

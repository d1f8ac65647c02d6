/**
 * A self-contained HTML report of recorded runs: per-task timelines, the
 * sequence diagram, each task's polls, waits and wakes, the run's metrics
 * and the full event log.
 *
 * One file with everything inline (CSS and SVG; no script, no font, no
 * network), so it opens anywhere, offline, and can be attached to a bug
 * report. Pure string building: it runs on any engine.
 *
 * @module
 */

import { describe, textOf } from "../future/future.js";
import { checkCount } from "../util/check.js";
import { checkText, clip, escapeXml } from "./markup.js";
import { modelRun, type RunModel, type TaskState, type Tone, type TraceStep } from "./model.js";
import { STATE_STYLE, TONE_COLOR } from "./palette.js";
import { renderSequenceSvg } from "./sequence-svg.js";
import { hasTimeAxis, renderTimelineSvg } from "./timeline-svg.js";

/**
 * One recorded run in a report with several (see {@link renderHtmlReport}).
 *
 * @example
 * ```ts
 * import { renderHtmlReport, type HtmlReportSection, type TraceStep } from "mini-tokio";
 * declare const first: TraceStep[], second: TraceStep[];
 * const sections: HtmlReportSection[] = [
 *   { title: "cold start", trace: first, description: "The first request after boot." },
 *   { title: "warm", trace: second, metrics: { polls: 12 } },
 * ];
 * const html = renderHtmlReport(sections, { title: "two runs" });
 * ```
 */
export interface HtmlReportSection {
  /** The section's heading. */
  readonly title: string;
  /** The run's recorded steps (one runtime: task ids must be unique). */
  readonly trace: Iterable<TraceStep>;
  /** A paragraph saying what the run shows. */
  readonly description?: string;
  /** Figures to show in a table (for example `rt.metrics()`): each own property is a row. */
  readonly metrics?: object;
}

/**
 * Options for {@link renderHtmlReport}.
 *
 * @example
 * ```ts
 * import { renderHtmlReport, type HtmlReportOptions } from "mini-tokio";
 * const options: HtmlReportOptions = { title: "nightly run", description: "What the workers did.", metrics: { tasks: 3 } };
 * const html = renderHtmlReport([], options);
 * ```
 */
export interface HtmlReportOptions {
  /** The page's title and heading. Default "mini-tokio run report". */
  readonly title?: string;
  /** A paragraph under the heading. */
  readonly description?: string;
  /** Figures for a single run's metrics table (sections carry their own). */
  readonly metrics?: object;
  /** Most messages drawn per sequence diagram (default 400). */
  readonly maxMessages?: number;
  /** Most tasks drawn per timeline and listed per task table (default 100). */
  readonly maxTasks?: number;
}

/** Rows of an event log shown at most: past that, the page would only be slow. */
const LOG_ROWS = 2000;

/**
 * Renders recorded runs as one self-contained HTML page: for each run, a
 * timeline with one swimlane per task (queued, running, waiting, dropped,
 * and an arrow for every wake), the sequence diagram, a table of tasks
 * (polls, waits, wakes, outcome), the metrics you pass, and the event log.
 * Styles and pictures are inline; the page loads nothing (no script, no
 * font, no network). All text from the trace is escaped, and each step is
 * checked as {@link renderSequenceSvg} checks it (task ids must be integers,
 * timestamps finite): a malformed step is a TypeError naming it.
 *
 * Pass one trace, or a list of sections (one per run) for a report of
 * several.
 *
 * @example
 * ```ts
 * import { Runtime, future, renderHtmlReport, spawn, yieldNow, type TraceStep } from "mini-tokio";
 * const steps: TraceStep[] = [];
 * const rt = new Runtime({ trace: (e) => steps.push(e) });
 * rt.blockOn(future(function* () {
 *   yield* spawn(future(function* () { yield* yieldNow(); }), { name: "child" });
 * }));
 * const html = renderHtmlReport(steps, { title: "spawn and join", metrics: { aliveTasks: rt.aliveTasks } });
 * ```
 */
export function renderHtmlReport(
  trace: Iterable<TraceStep> | readonly HtmlReportSection[],
  options: HtmlReportOptions = {},
): string {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`renderHtmlReport(trace, options): options must be an object, got ${describe(options)}`);
  }
  const { title = "mini-tokio run report", description, metrics, maxMessages = 400, maxTasks = 100 } = options;
  checkCount("renderHtmlReport(trace, options)", "maxMessages", maxMessages, 0, Number.MAX_SAFE_INTEGER);
  checkCount("renderHtmlReport(trace, options)", "maxTasks", maxTasks, 0, Number.MAX_SAFE_INTEGER);
  checkText("renderHtmlReport(trace, options)", "title", title);
  if (description !== undefined) checkText("renderHtmlReport(trace, options)", "description", description);
  if (trace === null || typeof trace !== "object" || !(Symbol.iterator in trace)) {
    throw new TypeError(
      "renderHtmlReport(trace): trace must be a list of trace steps, or a list of { title, trace } sections",
    );
  }
  const sections: readonly HtmlReportSection[] = isSectionList(trace)
    ? trace
    : [{ title: "Run", trace, ...(metrics === undefined ? {} : { metrics }) }];
  const body: string[] = [];
  body.push(`<header><h1>${escapeXml(title)}</h1>`);
  if (description !== undefined) body.push(`<p class="lead">${escapeXml(description)}</p>`);
  body.push(
    '<p class="muted">Drawn from the trace events of real runs (<code>new Runtime({ trace })</code>). Hover a bar, an arrow or a message for details.</p>',
    "</header>",
  );
  if (sections.length > 1) {
    body.push('<nav class="toc"><ul>');
    sections.forEach((s, i) => {
      body.push(`<li><a href="#run-${i + 1}">${escapeXml(s.title)}</a></li>`);
    });
    body.push("</ul></nav>");
  }
  // The legend comes before the runs, where a reader meets the colours
  // first, not after the last run.
  body.push(legend());
  sections.forEach((section, i) => {
    body.push(renderSection(section, i + 1, maxMessages, maxTasks));
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mini-tokio renderHtmlReport">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.join("\n")}
</main>
</body>
</html>
`;
}

function isSectionList(
  trace: Iterable<TraceStep> | readonly HtmlReportSection[],
): trace is readonly HtmlReportSection[] {
  return (
    Array.isArray(trace) &&
    trace.length > 0 &&
    trace.every((s: unknown) => typeof s === "object" && s !== null && "trace" in s && "title" in s)
  );
}

function renderSection(section: HtmlReportSection, n: number, maxMessages: number, maxTasks: number): string {
  const steps = [...section.trace];
  const model = modelRun(steps, { queueSteps: 0 }); // the diagram replays the queue itself
  const id = `run-${n}`;
  const out: string[] = [];
  out.push(`<section class="run" id="${id}">`, `<h2>${escapeXml(section.title)}</h2>`);
  if (section.description !== undefined) out.push(`<p>${escapeXml(section.description)}</p>`);
  out.push(stats(model));
  out.push(
    "<h3>Timeline</h3>",
    `<p class="muted">One row per task; across, ${hasTimeAxis(model) ? "time in ms from the run's start" : "one column per step"}. An arrow is a wake, from the task (or the host) that called <code>wake()</code>.</p>`,
    `<figure class="timeline">${renderTimelineSvg(model, { idPrefix: `${id}-tl`, maxTasks })}</figure>`,
    "<h3>Sequence</h3>",
    '<p class="muted">The same run as messages between the tasks, the executor and the waker, top to bottom. Notes in italics are what the futures said.</p>',
    `<figure class="sequence">${renderSequenceSvg(steps, { idPrefix: `${id}-seq`, maxMessages })}</figure>`,
    "<h3>Tasks</h3>",
    taskTable(model, maxTasks),
  );
  if (section.metrics !== undefined) out.push("<h3>Metrics</h3>", metricsTable(section.metrics));
  out.push(eventLog(model), "</section>");
  return out.join("\n");
}

function stats(model: RunModel): string {
  const c = model.counts;
  const cards: [string, number, string][] = [
    ["tasks", c.tasks, "spawned in this run"],
    ["polls", c.polls, "futures polled"],
    ["Pending", c.pending, "polls that said not yet"],
    ["wakes", c.wakes, `${c.wakesQueued} queued a task`],
    ["Ready", c.ready, "tasks done"],
    ["cancelled", c.cancelled, `${c.aborts} abort() calls`],
    ["max queue", c.maxQueue, "tasks queued at once"],
  ];
  if (c.failed > 0) cards.push(["failed", c.failed, "tasks that threw"]);
  if (c.timersFired > 0) cards.push(["timers", c.timersFired, "timers fired"]);
  if (c.budgetSpent > 0) cards.push(["budget", c.budgetSpent, "polls cut by the budget"]);
  if (c.slowPolls > 0) cards.push(["slow polls", c.slowPolls, "over the threshold"]);
  if (c.yieldsToHost > 0) cards.push(["host yields", c.yieldsToHost, "turns handed back"]);
  return `<div class="stats">${cards
    .map(
      ([label, value, hint]) =>
        `<div class="stat" data-stat="${escapeXml(label)}"><b>${value}</b><span>${escapeXml(label)}</span><small>${escapeXml(hint)}</small></div>`,
    )
    .join("")}</div>`;
}

function taskTable(model: RunModel, maxTasks: number): string {
  if (model.tasks.length === 0) return '<p class="muted">No task ran.</p>';
  const hidden = model.tasks.length - maxTasks;
  const rows = model.tasks.slice(0, maxTasks).map((t) => {
    const outcome = t.outcome ?? "alive at the end";
    const cls = t.outcome === "ready" ? "ok" : t.outcome === undefined ? "live" : "bad";
    return `<tr data-task="${t.id}"><td>#${t.id}</td><td>${escapeXml(t.name ?? "")}</td><td>${t.spawnedBy === undefined ? "outside" : `#${t.spawnedBy}`}</td><td class="n">${t.polls}</td><td class="n">${t.waits}</td><td class="n">${t.wakesQueued} / ${t.wakes}</td><td><span class="pill ${cls}">${escapeXml(outcome)}</span></td></tr>`;
  });
  return `<table class="tasks"><thead><tr><th>task</th><th>name</th><th>spawned by</th><th class="n">polls</th><th class="n">waits</th><th class="n" title="wakes that queued the task / all wakes">wakes queued / all</th><th>outcome</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>${hidden > 0 ? `<p class="muted">… and ${hidden} more task${hidden === 1 ? "" : "s"} (maxTasks: ${maxTasks}).</p>` : ""}`;
}

/** A metric that is not a number or a string, as text: JSON where it can be (a BigInt or a cycle cannot), else a description. */
function metricText(value: unknown): string {
  if (typeof value === "bigint") return `${value}`;
  try {
    return JSON.stringify(value) ?? textOf(value);
  } catch {
    return textOf(value);
  }
}

function metricsTable(metrics: object): string {
  const rows = Object.entries(metrics).map(([key, value]: [string, unknown]) => {
    const shown =
      typeof value === "number"
        ? Number.isInteger(value)
          ? value.toLocaleString("en-US")
          : value.toLocaleString("en-US", { maximumFractionDigits: 3 })
        : typeof value === "string"
          ? value
          : value === undefined
            ? "— (not measured)"
            : clip(metricText(value), 200);
    return `<tr><td><code>${escapeXml(key)}</code></td><td class="n">${escapeXml(shown)}</td></tr>`;
  });
  if (rows.length === 0) return '<p class="muted">No metrics.</p>';
  return `<table class="metrics"><thead><tr><th>metric</th><th class="n">value</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>`;
}

function eventLog(model: RunModel): string {
  const hidden = model.messages.length - LOG_ROWS;
  const rows = model.messages
    .slice(0, LOG_ROWS)
    .map(
      (m) =>
        `<tr class="tone-${m.tone}"><td class="n">${m.step + 1}</td><td><span class="dot" style="background:${TONE_COLOR[m.tone]}"></span>${escapeXml(clip(m.label, 80))}</td><td>${escapeXml(m.detail)}</td></tr>`,
    );
  return `<details class="log"><summary>Event log: ${model.steps} steps</summary>
<table><thead><tr><th class="n">step</th><th>message</th><th>what happened</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>${hidden > 0 ? `<p class="muted">… and ${hidden} more messages.</p>` : ""}</details>`;
}

function legend(): string {
  const states: [TaskState, string][] = [
    ["queued", "in the run queue"],
    ["running", "being polled"],
    ["waiting", "Pending, waiting for a wake"],
    ["dropping", "future being dropped"],
  ];
  const tones: [Tone, string][] = [
    ["poll", "poll"],
    ["pending", "Pending"],
    ["ready", "Ready"],
    ["wake", "wake()"],
    ["schedule", "schedule"],
    ["abort", "abort / drop / cancelled"],
    ["timer", "timer fired"],
    ["host", "host"],
    ["warning", "budget spent, slow poll"],
    ["note", "what a future said"],
  ];
  const swatch = (state: TaskState) =>
    `<span class="swatch" style="background:${STATE_STYLE[state].fill};border-color:${STATE_STYLE[state].stroke}"></span>`;
  return `<aside class="legend"><h3>Legend</h3><ul>${states.map(([s, text]) => `<li>${swatch(s)}${escapeXml(text)}</li>`).join("")}</ul><ul>${tones
    .map(([t, text]) => `<li><span class="line" style="border-color:${TONE_COLOR[t]}"></span>${escapeXml(text)}</li>`)
    .join("")}</ul></aside>`;
}

/** The page's styles: system fonts only, nothing fetched. */
const STYLE = `
:root { color-scheme: light; --ink: #1f2937; --muted: #6b7280; --rule: #e5e7eb; --paper: #ffffff; --page: #f3f4f6; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 20px 48px; }
header h1 { margin: 0 0 6px; font-size: 28px; letter-spacing: -0.01em; }
.lead { font-size: 17px; margin: 0 0 6px; max-width: 70ch; }
.muted { color: var(--muted); font-size: 13.5px; margin: 4px 0 10px; }
code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.92em; background: #eef2f7; padding: 1px 4px; border-radius: 4px; }
.toc { background: var(--paper); border: 1px solid var(--rule); border-radius: 10px; padding: 10px 18px; margin: 18px 0; }
.toc ul { margin: 0; padding-left: 20px; columns: 2; }
.toc a { color: var(--accent); text-decoration: none; }
.toc a:hover { text-decoration: underline; }
section.run { background: var(--paper); border: 1px solid var(--rule); border-radius: 12px; padding: 18px 22px 14px; margin: 22px 0; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
section.run h2 { margin: 0 0 8px; font-size: 21px; border-left: 4px solid var(--accent); padding-left: 10px; }
section.run h3 { font-size: 15px; margin: 20px 0 2px; text-transform: uppercase; letter-spacing: .06em; color: #374151; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0 4px; }
.stat { background: #f9fafb; border: 1px solid var(--rule); border-radius: 10px; padding: 8px 14px; min-width: 112px; display: grid; }
.stat b { font-size: 22px; line-height: 1.1; }
.stat span { font-weight: 600; font-size: 13px; }
.stat small { color: var(--muted); font-size: 11.5px; }
figure { margin: 8px 0; border: 1px solid var(--rule); border-radius: 8px; background: #fff; }
figure svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 13.5px; margin: 6px 0; }
th, td { text-align: left; padding: 5px 12px 5px 0; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { font-weight: 600; color: #374151; font-size: 12.5px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.tasks td:first-child { font-family: ui-monospace, Menlo, Consolas, monospace; }
.pill { border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 600; }
.pill.ok { background: #dcfce7; color: #166534; }
.pill.bad { background: #fee2e2; color: #991b1b; }
.pill.live { background: #fef9c3; color: #854d0e; }
details.log { margin: 16px 0 4px; }
details.log summary { cursor: pointer; font-weight: 600; color: #374151; }
details.log table { width: 100%; }
details.log td:nth-child(2) { white-space: nowrap; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 7px; }
.legend { background: var(--paper); border: 1px solid var(--rule); border-radius: 12px; padding: 10px 22px; margin: 18px 0; }
.legend h3 { margin: 4px 0; font-size: 14px; }
.legend ul { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 8px 22px; font-size: 13.5px; }
.swatch { display: inline-block; width: 26px; height: 12px; border: 1px solid; border-radius: 3px; margin-right: 7px; vertical-align: -1px; }
.line { display: inline-block; width: 24px; border-top: 2px solid; margin-right: 7px; vertical-align: 4px; }
`;

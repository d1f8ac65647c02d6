/**
 * `mini-tokio/illustrate`: drawing what a runtime did, from its trace.
 *
 * The trace model (runs, lanes, task segments, wake arrows), the SVG
 * sequence diagram and the self-contained HTML report. It is its own
 * entry so the core (`mini-tokio`) stays small and free of rendering
 * code; record events with `rt.onEvent` or `new Runtime({ trace })` from
 * the core, then render them here.
 *
 * @example
 * ```ts
 * import { Runtime, future, sleep, type TraceEvent } from "mini-tokio";
 * import { renderSequenceSvg } from "mini-tokio/illustrate";
 * const steps: TraceEvent[] = [];
 * new Runtime({ clock: "virtual", trace: (e) => steps.push(e) }).blockOn(future(function* () {
 *   yield* sleep(100);
 * }));
 * const svg = renderSequenceSvg(steps, { title: "one sleep" });
 * ```
 *
 * @module mini-tokio/illustrate
 */

export { type HtmlReportOptions, type HtmlReportSection, renderHtmlReport } from "./html-report.js";
export {
  type Lane,
  type LaneKind,
  type Message,
  type ModelOptions,
  modelRun,
  type RunModel,
  type TraceNote,
  type TraceStep,
} from "./model.js";
export { renderSequenceSvg, type SequenceSvgOptions } from "./sequence-svg.js";

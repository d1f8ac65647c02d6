/**
 * The colours of the pictures, one per kind of step and per task state, so
 * the sequence diagram, the timeline and the report's legend agree.
 *
 * @module
 */

import type { TaskState, Tone } from "./model.js";

/** Stroke and text colour of each kind of message. */
export const TONE_COLOR: Readonly<Record<Tone, string>> = {
  spawn: "#64748b",
  poll: "#2563eb",
  pending: "#b45309",
  ready: "#15803d",
  failed: "#dc2626",
  wake: "#c026d3",
  schedule: "#7c3aed",
  abort: "#dc2626",
  drop: "#dc2626",
  cancelled: "#b91c1c",
  host: "#0e7490",
  timer: "#0f766e",
  warning: "#c2410c",
  note: "#57534e",
};

/** Fill and stroke of each task state, in the timeline and on lifelines. */
export const STATE_STYLE: Readonly<Record<TaskState, { readonly fill: string; readonly stroke: string }>> = {
  queued: { fill: "#ede9fe", stroke: "#a78bfa" },
  running: { fill: "#bfdbfe", stroke: "#2563eb" },
  waiting: { fill: "#f1f5f9", stroke: "#cbd5e1" },
  dropping: { fill: "#fecaca", stroke: "#dc2626" },
};

/** Page colours. */
export const INK = "#1f2937";
export const MUTED = "#6b7280";
export const RULE = "#d1d5db";
export const PAPER = "#ffffff";

/**
 * Writing SVG and HTML as strings, safely: escaping, and the measures the
 * renderers lay text out with.
 *
 * The renderers run on any engine, with no DOM to measure text, so they
 * draw text in a monospace font whose advance is a known fraction of its
 * size. Every string that came from a trace (task names, notes) goes
 * through {@link escapeXml}, so a name like `<script>` is shown, never run.
 *
 * @module
 */

import { describe } from "../future/future.js";

/**
 * Anything XML 1.0 forbids even escaped (control characters but tab,
 * newline and carriage return; lone surrogates; U+FFFE, U+FFFF): a
 * document holding one fails to parse, so they become U+FFFD.
 */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITY: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for XML and HTML, in element content and in quoted
 * attribute values alike, and replaces characters XML cannot hold.
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML, "\ufffd").replace(/[&<>"']/g, (c) => ENTITY[c] ?? c);
}

/** The monospace font stack the pictures use: installed fonts only, never a download. */
export const MONO = "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

/** Advance of one monospace character, as a fraction of the font size (0.6 for the common ones). */
const ADVANCE = 0.62;

/** The width `text` takes in the monospace font at `size` px. */
export function textWidth(text: string, size: number): number {
  // Code points, not UTF-16 units: an emoji or a CJK character counts once.
  let n = 0;
  for (const _ of text) n++;
  return n * size * ADVANCE;
}

/** `text` cut to at most `max` characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** A number for an SVG attribute: at most one decimal, no trailing zeros. */
export function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Throws a TypeError unless `value` is a string: text that goes into a picture. @internal */
export function checkText(api: string, name: string, value: unknown): void {
  if (typeof value !== "string") throw new TypeError(`${api}: ${name} must be a string, got ${describe(value)}`);
}

/**
 * Benchmark results: their shape, the target verdicts, and how they are
 * rendered (text tables for the terminal, Markdown for the README).
 *
 * Run alone, `node --import tsx bench/report.ts` re-renders the README
 * section from `bench/results.json` without measuring anything. The README
 * text between `<!-- bench:core:start -->` and `<!-- bench:core:end -->` is
 * always generated from a real run's JSON, never typed by hand; everything
 * outside the markers is left as it is. Until the project has a README.md,
 * the section lives in `bench/README-table.md`.
 *
 * @module
 */

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** One contender's result in one benchmark. */
export interface Row {
  /** Contender id; the row with id "native" is the baseline. */
  readonly id: string;
  readonly label: string;
  readonly note?: string;
  /** Tasks (or yields) per batch for timed rows, parked tasks for heap rows. */
  readonly size: number;
  /** The median of the samples. */
  readonly value: number;
  readonly samples: readonly number[];
}

/** A performance target from the issue, checked against one run. */
export type TargetSpec =
  /** `row` costs at most `max` × native. */
  | { readonly kind: "ratio"; readonly row: string; readonly max: number }
  /** `row` is at least `min` times faster than `over` (called `versus` in prose). */
  | {
      readonly kind: "speedup";
      readonly row: string;
      readonly over: string;
      readonly versus: string;
      readonly min: number;
    };

/** A target's outcome, printed on row `on`. */
export interface Verdict {
  readonly on: string;
  /** The target in a sentence: "mini-tokio ≤ 1.0× native". */
  readonly target: string;
  /** What was measured: "0.91× native", "40.9× faster". */
  readonly measured: string;
  /** The table cell after PASS/FAIL. */
  readonly cell: string;
  readonly value: number;
  readonly pass: boolean;
}

/** One benchmark's table. */
export interface Bench {
  readonly id: string;
  readonly title: string;
  /** What `value` counts: "ns per task", "ns per yield", "bytes per task". */
  readonly unit: string;
  readonly rows: readonly Row[];
  readonly verdicts: readonly Verdict[];
  readonly notes: readonly string[];
  readonly measuredAt: string;
  readonly quick: boolean;
}

/** `bench/results.json`. */
export interface Results {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  readonly date: string;
  /** How the TypeScript was run: transpiled by tsc ("compiled"), or through tsx's loader ("tsx"). */
  readonly mode: string;
  readonly quick: boolean;
  readonly benchmarks: readonly Bench[];
}

export const RESULTS_PATH = "bench/results.json";
export const README_PATH = "README.md";
/** Where the section goes while the project has no README.md. */
export const FALLBACK_PATH = "bench/README-table.md";
const START = "<!-- bench:core:start -->";
const END = "<!-- bench:core:end -->";

// --- verdicts ----------------------------------------------------------------

function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return "—";
  if (r < 10) return r.toFixed(2);
  if (r < 100) return r.toFixed(1);
  return Math.round(r).toLocaleString("en-US");
}

/** Checks `specs` against `rows`, all from the same run. */
export function evaluate(rows: readonly Row[], specs: readonly TargetSpec[]): Verdict[] {
  const value = (id: string): number => rows.find((r) => r.id === id)?.value ?? Number.NaN;
  const has = (id: string): boolean => rows.some((r) => r.id === id);
  const label = (id: string): string => rows.find((r) => r.id === id)?.label ?? id;
  const verdicts: Verdict[] = [];
  for (const spec of specs) {
    if (spec.kind === "ratio") {
      if (!has(spec.row) || !has("native")) continue;
      const ratio = value(spec.row) / value("native");
      verdicts.push({
        on: spec.row,
        target: `${label(spec.row)} ≤ ${spec.max.toFixed(1)}× native`,
        measured: `${fmtRatio(ratio)}× native`,
        cell: `(target ≤ ${spec.max.toFixed(1)}× native)`,
        value: ratio,
        pass: ratio <= spec.max,
      });
    } else {
      if (!has(spec.row) || !has(spec.over)) continue;
      const speedup = value(spec.over) / value(spec.row);
      verdicts.push({
        on: spec.over,
        target: `${label(spec.row)} ≥ ${spec.min}× faster than ${spec.versus}`,
        measured: `${fmtRatio(speedup)}× faster`,
        cell: `${spec.row} ${fmtRatio(speedup)}× faster (target ≥ ${spec.min}×)`,
        value: speedup,
        pass: speedup >= spec.min,
      });
    }
  }
  return verdicts;
}

// --- rendering ---------------------------------------------------------------

function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return "—";
  if (v < 100) return v.toFixed(1);
  return Math.round(v).toLocaleString("en-US");
}

/** Half the interquartile range, as a percentage of the median. */
function spread(row: Row): string {
  if (row.samples.length < 3) return "";
  const s = [...row.samples].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] ?? Number.NaN;
  return `±${Math.round(((q(0.75) - q(0.25)) / 2 / row.value) * 100)}%`;
}

interface Cells {
  readonly label: string;
  readonly value: string;
  readonly ratio: string;
  readonly spread: string;
  readonly verdict: string;
}

function cells(bench: Bench): Cells[] {
  const native = bench.rows.find((r) => r.id === "native")?.value ?? Number.NaN;
  return bench.rows.map((row) => ({
    label: row.label,
    value: fmtValue(row.value),
    ratio: `${fmtRatio(row.value / native)}×`,
    spread: spread(row),
    verdict: bench.verdicts
      .filter((v) => v.on === row.id)
      .map((v) => `${v.pass ? "PASS" : "FAIL"} ${v.cell}`)
      .join("; "),
  }));
}

function samplesNote(bench: Bench): string {
  const counts = bench.rows.map((r) => r.samples.length);
  const most = Math.max(...counts);
  const what = bench.unit.startsWith("bytes") ? "round" : "sample";
  if (most === 1) return `one ${what}`;
  return `median of ${counts.every((c) => c === most) ? "" : "up to "}${most} ${what}s`;
}

/** A plain-text table for the terminal. */
export function renderText(bench: Bench): string {
  const head: Cells = { label: "contender", value: bench.unit, ratio: "× native", spread: "spread", verdict: "target" };
  const body = cells(bench);
  const all = [head, ...body];
  const w = (key: keyof Cells): number => Math.max(...all.map((c) => c[key].length));
  const line = (c: Cells): string =>
    `  ${c.label.padEnd(w("label"))}  ${c.value.padStart(w("value"))}  ${c.ratio.padStart(w("ratio"))}  ${c.spread.padStart(w("spread"))}  ${c.verdict}`.trimEnd();
  const title = `${bench.title} (${bench.unit}, ${samplesNote(bench)}${bench.quick ? ", --quick" : ""})`;
  const notes = bench.rows
    .filter((r) => r.note !== undefined)
    .map((r) => `  · ${r.label}: ${r.note}`)
    .concat(bench.notes.map((n) => `  · ${n}`));
  return [title, line(head), ...body.map(line), ...notes].join("\n");
}

/** A Markdown table for the README. */
export function renderMarkdown(bench: Bench): string {
  const rows = cells(bench).map((c) => `| ${c.label} | ${c.value} | ${c.ratio} | ${c.spread} | ${c.verdict} |`);
  const notes = bench.rows
    .filter((r) => r.note !== undefined)
    .map((r) => `- ${r.label}: ${r.note}`)
    .concat(bench.notes.map((n) => `- ${n}`));
  return [
    `### ${bench.title}`,
    "",
    `${bench.unit}, ${samplesNote(bench)}${bench.quick ? " (quick run)" : ""}.`,
    "",
    `| contender | ${bench.unit} | × native | spread | target |`,
    "|---|---:|---:|---:|---|",
    ...rows,
    ...(notes.length > 0 ? ["", ...notes] : []),
  ].join("\n");
}

/** A summary of every target in the run. */
export function targetSummary(results: Results): { passed: number; failed: number; lines: string[] } {
  let passed = 0;
  let failed = 0;
  const lines: string[] = [];
  for (const bench of results.benchmarks) {
    for (const v of bench.verdicts) {
      if (v.pass) passed++;
      else failed++;
      lines.push(`${v.pass ? "PASS" : "FAIL"}  ${bench.title}: ${v.target} (measured ${v.measured})`);
    }
  }
  return { passed, failed, lines };
}

/** The whole README section, between (not including) the markers. */
export function renderSection(results: Results): string {
  const summary = targetSummary(results);
  const when = results.date.slice(0, 10);
  return [
    "",
    `_Generated by \`npm run bench\` from \`bench/results.json\`; do not edit by hand. Node ${results.node} (V8 ${results.v8}), ${results.cpu}, ${results.cores} cores, ${results.platform}, ${when}; TypeScript run ${results.mode === "compiled" ? "as compiled by tsc's transpiler" : "through tsx"}. Ratios are within one run; absolute numbers move ±20–40% between runs and machines._`,
    "",
    ...results.benchmarks.flatMap((b) => [renderMarkdown(b), ""]),
    `Targets: ${summary.passed} pass, ${summary.failed} fail.`,
    "",
  ].join("\n");
}

// --- the README section ---------------------------------------------------

/**
 * Rewrites the text between the markers in README.md (or, while there is
 * no README.md, in bench/README-table.md). Leaves the file untouched, and
 * says so, when the markers are missing. Returns the path written, or
 * undefined.
 */
export function writeSection(results: Results, root = "."): string | undefined {
  const path = existsSync(resolve(root, README_PATH)) ? README_PATH : FALLBACK_PATH;
  const full = resolve(root, path);
  if (!existsSync(full)) {
    console.warn(`report: ${path} not found; README section not written`);
    return undefined;
  }
  const text = readFileSync(full, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    console.warn(`report: ${path} has no ${START} … ${END} markers; left untouched`);
    return undefined;
  }
  const next = `${text.slice(0, start + START.length)}\n${renderSection(results)}${text.slice(end)}`;
  if (next !== text) writeFileSync(full, next);
  return path;
}

/** True when `value` has the shape of a benchmark table (a light check of JSON we wrote). */
export function isBench(value: unknown): value is Bench {
  return (
    typeof value === "object" &&
    value !== null &&
    "id" in value &&
    typeof value.id === "string" &&
    "rows" in value &&
    Array.isArray(value.rows) &&
    "verdicts" in value &&
    Array.isArray(value.verdicts)
  );
}

function isResults(value: unknown): value is Results {
  return (
    typeof value === "object" &&
    value !== null &&
    "benchmarks" in value &&
    Array.isArray(value.benchmarks) &&
    value.benchmarks.every(isBench)
  );
}

/** Reads `bench/results.json`, or undefined if there is none. */
export function readResults(root = "."): Results | undefined {
  const full = resolve(root, RESULTS_PATH);
  if (!existsSync(full)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(full, "utf8"));
  if (!isResults(parsed)) throw new Error(`report: ${RESULTS_PATH} is not a results file`);
  return parsed;
}

function main(): void {
  const results = readResults();
  if (results === undefined) {
    console.warn(`report: ${RESULTS_PATH} not found; run \`npm run bench\` first`);
    process.exitCode = 1;
    return;
  }
  for (const b of results.benchmarks) console.log(`${renderText(b)}\n`);
  const path = writeSection(results);
  if (path !== undefined) console.log(`report: wrote the bench section of ${path}`);
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) main();

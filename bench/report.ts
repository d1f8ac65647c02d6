/**
 * Benchmark results: their shape, the target verdicts, and how they are
 * rendered (text tables for the terminal, Markdown for docs/benchmarks.md).
 *
 * Run alone, `node --import tsx bench/report.ts` re-renders the sections of
 * docs/benchmarks.md from `bench/results.json` without measuring anything.
 * Each benchmark belongs to a section (`core` unless it says otherwise: the
 * time benchmarks are `time`, the channel and lock benchmarks `sync`), and
 * the text between `<!-- bench:<section>:start -->` and
 * `<!-- bench:<section>:end -->` is always generated from a real run's JSON,
 * never typed by hand; everything outside the markers (what the tables
 * mean) is left as it is. The README only links to that page: 400 lines of
 * tables are reference, not the front door.
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
  /** Further measurements shown in the benchmark's extra {@link Bench.columns}, by column key. */
  readonly extra?: Readonly<Record<string, number>>;
}

/** An extra column of a table: `header` over the rows' `extra[key]`. */
export interface Column {
  readonly key: string;
  readonly header: string;
}

/** A performance target from the issue, checked against one run. */
export type TargetSpec =
  /** `row` costs at most `max` × native (or × the row `to`). */
  | { readonly kind: "ratio"; readonly row: string; readonly max: number; readonly to?: string }
  /** `row` is at least `min` times faster than `over` (called `versus` in prose). */
  | {
      readonly kind: "speedup";
      readonly row: string;
      readonly over: string;
      readonly versus: string;
      readonly min: number;
      /** How the prose says it: "faster" unless given ("less busy" for CPU time). */
      readonly better?: string;
    }
  /** `row` measures at most `max` in the table's unit: an absolute target ("≤ 1,000 ms per MB"). */
  | { readonly kind: "most"; readonly row: string; readonly max: number }
  /** Every row is within `max` × the smallest row: a curve that stays flat. `what` names the curve. */
  | { readonly kind: "flat"; readonly what: string; readonly max: number }
  /** `row` costs at most `max` × row `of` (called `versus` in prose): "within 2× of the floor". */
  | {
      readonly kind: "within";
      readonly row: string;
      readonly of: string;
      readonly versus: string;
      readonly max: number;
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
  /** The section of docs/benchmarks.md the table goes in; "core" when absent. */
  readonly section?: string;
  /** The row the "×" column divides by, and what the header calls it; native when absent. */
  readonly baseline?: { readonly id: string; readonly label: string };
  /** Extra columns, filled from each row's `extra`. */
  readonly columns?: readonly Column[];
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

/** The major version of a Node version string ("v26.1.0" → "26"). */
function majorOf(node: string): string {
  return node.replace(/^v/, "").split(".")[0] ?? "";
}

/**
 * Where a run on Node `node` keeps its results: Node 20's (the oldest
 * supported, where the targets were set) in `bench/results.json`, another
 * Node's in `bench/results-node<major>.json`.
 */
export function resultsPath(node: string): string {
  const major = majorOf(node);
  return major === "20" ? RESULTS_PATH : `bench/results-node${major}.json`;
}

/**
 * The marker name of a section for a run on `node`: the section itself on
 * Node 20, `<section>@node<major>` on another Node, whose tables the page
 * shows only where it has those markers.
 */
function markerName(section: string, node: string): string {
  const major = majorOf(node);
  return major === "20" ? section : `${section}@node${major}`;
}
/** The page the tables are written into. */
export const BENCHMARKS_PATH = "docs/benchmarks.md";
/** The page's sections, in the order they are written. */
export const SECTIONS: readonly string[] = ["core", "time", "stream", "sync", "compose", "trace", "io", "compile"];
const start = (section: string): string => `<!-- bench:${section}:start -->`;
const end = (section: string): string => `<!-- bench:${section}:end -->`;

/** The section a benchmark's table goes in. */
export function sectionOf(bench: Bench): string {
  return bench.section ?? "core";
}

// --- verdicts ----------------------------------------------------------------

function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return "—";
  if (r < 10) return r.toFixed(2);
  if (r < 100) return r.toFixed(1);
  return Math.round(r).toLocaleString("en-US");
}

/** Checks `specs` against `rows`, all from the same run. */
export function evaluate(rows: readonly Row[], specs: readonly TargetSpec[], unit = ""): Verdict[] {
  const value = (id: string): number => rows.find((r) => r.id === id)?.value ?? Number.NaN;
  const has = (id: string): boolean => rows.some((r) => r.id === id);
  const label = (id: string): string => rows.find((r) => r.id === id)?.label ?? id;
  const verdicts: Verdict[] = [];
  for (const spec of specs) {
    if (spec.kind === "ratio") {
      const to = spec.to ?? "native";
      if (!has(spec.row) || !has(to)) continue;
      const ratio = value(spec.row) / value(to);
      const versus = to === "native" ? "native" : label(to);
      const max = spec.max.toFixed(spec.max < 1.1 && spec.max !== 1 ? 2 : 1);
      verdicts.push({
        on: spec.row,
        target: `${label(spec.row)} ≤ ${max}× ${versus}`,
        measured: `${fmtRatio(ratio)}× ${versus}`,
        cell: `(target ≤ ${max}× ${versus})`,
        value: ratio,
        pass: ratio <= spec.max,
      });
    } else if (spec.kind === "most") {
      if (!has(spec.row)) continue;
      const max = `${spec.max.toLocaleString("en-US")} ${unit}`.trimEnd();
      verdicts.push({
        on: spec.row,
        target: `${label(spec.row)} ≤ ${max}`,
        measured: `${fmtValue(value(spec.row))} ${unit}`.trimEnd(),
        cell: `(target ≤ ${max})`,
        value: value(spec.row),
        pass: value(spec.row) <= spec.max,
      });
    } else if (spec.kind === "within") {
      if (!has(spec.row) || !has(spec.of)) continue;
      const ratio = value(spec.row) / value(spec.of);
      const max = spec.max.toFixed(spec.max < 0.1 ? 2 : 1);
      verdicts.push({
        on: spec.row,
        target: `${label(spec.row)} ≤ ${max}× ${spec.versus}`,
        measured: `${fmtRatio(ratio)}× ${spec.versus}`,
        cell: `${fmtRatio(ratio)}× ${spec.versus} (target ≤ ${max}×)`,
        value: ratio,
        pass: ratio <= spec.max,
      });
    } else if (spec.kind === "flat") {
      if (rows.length < 2) continue;
      const highest = rows.reduce((a, b) => (b.value > a.value ? b : a));
      const lowest = rows.reduce((a, b) => (b.value < a.value ? b : a));
      const ratio = highest.value / lowest.value;
      verdicts.push({
        on: highest.id,
        target: `${spec.what} stays flat: highest ≤ ${spec.max.toFixed(1)}× lowest`,
        measured: `${fmtRatio(ratio)}× (${highest.label} against ${lowest.label})`,
        cell: `flat: highest ${fmtRatio(ratio)}× lowest (target ≤ ${spec.max.toFixed(1)}×)`,
        value: ratio,
        pass: ratio <= spec.max,
      });
    } else {
      if (!has(spec.row) || !has(spec.over)) continue;
      const speedup = value(spec.over) / value(spec.row);
      const better = spec.better ?? "faster";
      verdicts.push({
        on: spec.over,
        target: `${label(spec.row)} ≥ ${spec.min}× ${better} than ${spec.versus}`,
        measured: `${fmtRatio(speedup)}× ${better}`,
        cell: `${spec.row} ${fmtRatio(speedup)}× ${better} (target ≥ ${spec.min}×)`,
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
  readonly extra: readonly string[];
  readonly verdict: string;
}

/** "× native", or "× <label>" for a table with another baseline row. */
function ratioHeader(bench: Bench): string {
  return `× ${bench.baseline?.label ?? "native"}`;
}

function cells(bench: Bench): Cells[] {
  const baselineId = bench.baseline?.id ?? "native";
  const base = bench.rows.find((r) => r.id === baselineId)?.value ?? Number.NaN;
  return bench.rows.map((row) => ({
    label: row.label,
    value: fmtValue(row.value),
    ratio: Number.isFinite(base) ? `${fmtRatio(row.value / base)}×` : "—",
    spread: spread(row),
    extra: (bench.columns ?? []).map((c) => fmtValue(row.extra?.[c.key] ?? Number.NaN)),
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
  if (most === 1) return `one ${what} per row`;
  return `median of ${counts.every((c) => c === most) ? "" : "up to "}${most} ${what}s`;
}

/** A plain-text table for the terminal. */
export function renderText(bench: Bench): string {
  const head: Cells = {
    label: "contender",
    value: bench.unit,
    ratio: ratioHeader(bench),
    spread: "spread",
    extra: (bench.columns ?? []).map((c) => c.header),
    verdict: "target",
  };
  const body = cells(bench);
  const all = [head, ...body];
  const w = (key: "label" | "value" | "ratio" | "spread"): number => Math.max(...all.map((c) => c[key].length));
  const extraWidths = head.extra.map((_, i) => Math.max(...all.map((c) => (c.extra[i] ?? "").length)));
  const extras = (c: Cells): string => c.extra.map((e, i) => `  ${e.padStart(extraWidths[i] ?? 0)}`).join("");
  const line = (c: Cells): string =>
    `  ${c.label.padEnd(w("label"))}  ${c.value.padStart(w("value"))}  ${c.ratio.padStart(w("ratio"))}  ${c.spread.padStart(w("spread"))}${extras(c)}  ${c.verdict}`.trimEnd();
  const title = `${bench.title} (${bench.unit}, ${samplesNote(bench)}${bench.quick ? ", --quick" : ""})`;
  const notes = bench.rows
    .filter((r) => r.note !== undefined)
    .map((r) => `  · ${r.label}: ${r.note}`)
    .concat(bench.notes.map((n) => `  · ${n}`));
  return [title, line(head), ...body.map(line), ...notes].join("\n");
}

/** A Markdown table for docs/benchmarks.md. */
export function renderMarkdown(bench: Bench): string {
  const columns = bench.columns ?? [];
  const extras = (values: readonly string[]): string => values.map((v) => ` ${v} |`).join("");
  const rows = cells(bench).map(
    (c) => `| ${c.label} | ${c.value} | ${c.ratio} | ${c.spread} |${extras(c.extra)} ${c.verdict} |`,
  );
  const notes = bench.rows
    .filter((r) => r.note !== undefined)
    .map((r) => `- ${r.label}: ${r.note}`)
    .concat(bench.notes.map((n) => `- ${n}`));
  return [
    `### ${bench.title}`,
    "",
    `${bench.unit}, ${samplesNote(bench)}${bench.quick ? " (quick run)" : ""}.`,
    "",
    `| contender | ${bench.unit} | ${ratioHeader(bench)} | spread |${extras(columns.map((c) => c.header))} target |`,
    `|---|---:|---:|---:|${columns.map(() => "---:|").join("")}---|`,
    ...rows,
    ...(notes.length > 0 ? ["", ...notes] : []),
  ].join("\n");
}

/** A summary of every target in the run (or in one section of it). */
export function targetSummary(results: Results, section?: string): { passed: number; failed: number; lines: string[] } {
  let passed = 0;
  let failed = 0;
  const lines: string[] = [];
  for (const bench of results.benchmarks) {
    if (section !== undefined && sectionOf(bench) !== section) continue;
    for (const v of bench.verdicts) {
      if (v.pass) passed++;
      else failed++;
      lines.push(`${v.pass ? "PASS" : "FAIL"}  ${bench.title}: ${v.target} (measured ${v.measured})`);
    }
  }
  return { passed, failed, lines };
}

/** One whole section of docs/benchmarks.md, between (not including) its markers. */
export function renderSection(results: Results, section = "core"): string {
  const summary = targetSummary(results, section);
  const when = results.date.slice(0, 10);
  return [
    "",
    `_Generated by \`npm run bench\` from \`${resultsPath(results.node)}\`; do not edit by hand. Node ${results.node} (V8 ${results.v8}), ${results.cpu}, ${results.cores} cores, ${results.platform}, ${when}; TypeScript run ${results.mode === "compiled" ? "as compiled by tsc's transpiler" : "through tsx"}. Ratios are within one run; absolute numbers move ±20–40% between runs and machines._`,
    "",
    ...results.benchmarks.filter((b) => sectionOf(b) === section).flatMap((b) => [renderMarkdown(b), ""]),
    `Targets: ${summary.passed} pass, ${summary.failed} fail.`,
    "",
  ].join("\n");
}

// --- the page's sections ---------------------------------------------------

/**
 * Rewrites the text between each section's markers in docs/benchmarks.md
 * for every section that has benchmarks in `results`. Leaves a section
 * untouched, and says so, when its markers are missing. Returns the path
 * written, or undefined.
 */
export function writeSection(results: Results, root = "."): string | undefined {
  const path = BENCHMARKS_PATH;
  const full = resolve(root, path);
  if (!existsSync(full)) {
    console.warn(`report: ${path} not found; benchmark tables not written`);
    return undefined;
  }
  const text = readFileSync(full, "utf8");
  let next = text;
  const node20 = majorOf(results.node) === "20";
  for (const section of SECTIONS) {
    if (!results.benchmarks.some((b) => sectionOf(b) === section)) continue;
    const marker = markerName(section, results.node);
    const from = next.indexOf(start(marker));
    const to = next.indexOf(end(marker));
    if (from < 0 || to < from) {
      // Another Node's tables appear only where the page asks for them.
      if (node20) {
        console.warn(
          `report: ${path} has no ${start(marker)} … ${end(marker)} markers; that section is left untouched`,
        );
      }
      continue;
    }
    next = `${next.slice(0, from + start(marker).length)}\n${renderSection(results, section)}${next.slice(to)}`;
  }
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

/** Reads `bench/results.json` (or the results file at `file`), or undefined if there is none. */
export function readResults(root = ".", file = RESULTS_PATH): Results | undefined {
  const full = resolve(root, file);
  if (!existsSync(full)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(full, "utf8"));
  if (!isResults(parsed)) throw new Error(`report: ${file} is not a results file`);
  return parsed;
}

function main(): void {
  const results = readResults();
  if (results === undefined) {
    console.warn(`report: ${RESULTS_PATH} not found; run \`npm run bench\` first`);
    process.exitCode = 1;
    return;
  }
  const others = readdirSync("bench")
    .filter((f) => /^results-node\d+\.json$/.test(f))
    .map((f) => readResults(".", `bench/${f}`));
  for (const r of [results, ...others]) {
    if (r === undefined) continue;
    for (const b of r.benchmarks) console.log(`${renderText(b)}\n`);
    const path = writeSection(r);
    if (path !== undefined) console.log(`report: wrote the Node ${r.node} tables of ${path}`);
  }
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) main();

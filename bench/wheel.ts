/**
 * Micro-benchmark of the timing wheel: the cost of insert + cancel, and of
 * advance per fired timer, with 10^3 to 10^6 live timers already in the
 * wheel. Both should stay flat as the wheel grows: that is the O(1) claim.
 *
 * Run alone with `node --import tsx bench/wheel.ts`, or call
 * {@link runWheelBench} from the main bench runner.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { SeededRandom } from "../src/util/random.js";
import { TimerEntry, TimerWheel } from "../src/util/wheel.js";

/**
 * One row of the wheel benchmark: costs measured with `live` timers in the
 * wheel.
 *
 * @example
 * ```ts
 * const rows: WheelBenchRow[] = runWheelBench();
 * console.log(rows.map((row) => `${row.live}: ${row.insertCancelNs.toFixed(1)} ns`));
 * ```
 */
export interface WheelBenchRow {
  /** Timers registered in the wheel (deadlines 1 ms to 60 s ahead) while measuring. */
  live: number;
  /** Median cost of one `insert` followed by one `cancel`, in nanoseconds. */
  insertCancelNs: number;
  /** Median cost of `advance` per fired timer when one call jumps over all `live` deadlines, in nanoseconds. */
  advanceJumpNsPerFired: number;
  /**
   * The same jump, but with deadlines given to entries in allocation order, so
   * that walking a slot's list walks memory forwards. Separates the wheel's
   * own cost from cache misses on randomly placed entries.
   */
  advanceJumpLocalNsPerFired: number;
  /** Median cost of `advance` per fired timer when time moves in 1 ms ticks over the 60 s, in nanoseconds. */
  advanceTickNsPerFired: number;
}

/** The wheel sizes measured by default. */
export const LIVE_COUNTS: readonly number[] = [1_000, 10_000, 100_000, 1_000_000];
/** Deadlines are drawn from 1 ms to this many ms ahead. */
const HORIZON_MS = 60_000;
const SAMPLES = 7;
const OPS_PER_SAMPLE = 200_000;
/** Probe entries and precomputed deadlines are reused round-robin, so the timed loop allocates nothing. */
const PROBES = 1024;

/** Reproducible random numbers in [0, 1), from the runtime's own seeded generator. */
function prng(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.fraction();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

function randomDeadlines(count: number, from: number, random: () => number): Float64Array {
  const deadlines = new Float64Array(count);
  for (let i = 0; i < count; i++) deadlines[i] = from + 1 + Math.floor(random() * HORIZON_MS);
  return deadlines;
}

/** Inserts `entries` into `wheel` at `deadlines` (same length). */
function fill(wheel: TimerWheel, entries: TimerEntry[], deadlines: Float64Array): void {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry !== undefined) wheel.insert(entry, deadlines[i] ?? 0);
  }
}

/** Nanoseconds per insert + cancel pair, over `ops` pairs. */
function timeInsertCancel(wheel: TimerWheel, probes: TimerEntry[], deadlines: Float64Array, ops: number): number {
  const mask = PROBES - 1;
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const probe = probes[i & mask];
    if (probe === undefined) continue;
    wheel.insert(probe, deadlines[i & mask] ?? 0);
    wheel.cancel(probe);
  }
  return Number(process.hrtime.bigint() - started) / ops;
}

/** Fills a fresh wheel, then times advancing over the whole horizon; nanoseconds per fired timer. */
function timeAdvance(entries: TimerEntry[], deadlines: Float64Array, tickMs: number): number {
  const wheel = new TimerWheel(0);
  fill(wheel, entries, deadlines);
  let fired = 0;
  const onFire = (): void => {
    fired++;
  };
  const started = process.hrtime.bigint();
  for (let now = tickMs; now < HORIZON_MS + tickMs; now += tickMs) wheel.advance(now, onFire);
  const ns = Number(process.hrtime.bigint() - started);
  if (fired !== entries.length) throw new Error(`bench bug: fired ${fired} of ${entries.length}`);
  return ns / fired;
}

/**
 * Measures the timing wheel with 10^3, 10^4, 10^5 and 10^6 live timers and
 * returns one row per size (medians of several samples, after a warm-up).
 * Synchronous; takes a few seconds. Never forces a GC between samples.
 * `liveCounts` picks other sizes (a quick run leaves out 10^6).
 *
 * @example
 * ```ts
 * for (const row of runWheelBench()) {
 *   console.log(row.live, row.insertCancelNs, row.advanceJumpNsPerFired);
 * }
 * ```
 */
export function runWheelBench(liveCounts: readonly number[] = LIVE_COUNTS): WheelBenchRow[] {
  const random = prng(0x5eed);
  const probes = Array.from({ length: PROBES }, () => new TimerEntry());
  const probeDeadlines = randomDeadlines(PROBES, 0, random);

  // Warm-up: get insert, cancel and advance optimised before any timing.
  const warm = new TimerWheel(0);
  const warmEntries = Array.from({ length: 10_000 }, () => new TimerEntry());
  const warmDeadlines = randomDeadlines(warmEntries.length, 0, random);
  fill(warm, warmEntries, warmDeadlines);
  for (let i = 0; i < 5; i++) timeInsertCancel(warm, probes, probeDeadlines, OPS_PER_SAMPLE);
  // An entry belongs to one wheel at a time: take them out before timeAdvance reuses them.
  for (const entry of warmEntries) warm.cancel(entry);
  for (let i = 0; i < 3; i++) {
    timeAdvance(warmEntries, warmDeadlines, HORIZON_MS);
    timeAdvance(warmEntries, warmDeadlines, 1);
  }

  const rows: WheelBenchRow[] = [];
  for (const live of liveCounts) {
    const entries = Array.from({ length: live }, () => new TimerEntry());
    const deadlines = randomDeadlines(live, 0, random);
    const localDeadlines = deadlines.slice().sort();

    const wheel = new TimerWheel(0);
    fill(wheel, entries, deadlines);
    timeInsertCancel(wheel, probes, probeDeadlines, OPS_PER_SAMPLE >> 2);
    const insertCancel: number[] = [];
    for (let s = 0; s < SAMPLES; s++)
      insertCancel.push(timeInsertCancel(wheel, probes, probeDeadlines, OPS_PER_SAMPLE));
    for (const entry of entries) wheel.cancel(entry);

    // Fewer samples for the bigger sizes: each one refills the wheel.
    const advanceSamples = live >= 1_000_000 ? 3 : 5;
    const jump: number[] = [];
    const local: number[] = [];
    const tick: number[] = [];
    for (let s = 0; s < advanceSamples; s++) {
      jump.push(timeAdvance(entries, deadlines, HORIZON_MS));
      local.push(timeAdvance(entries, localDeadlines, HORIZON_MS));
      tick.push(timeAdvance(entries, deadlines, 1));
    }

    rows.push({
      live,
      insertCancelNs: median(insertCancel),
      advanceJumpNsPerFired: median(jump),
      advanceJumpLocalNsPerFired: median(local),
      advanceTickNsPerFired: median(tick),
    });
  }
  return rows;
}

function printTable(rows: WheelBenchRow[]): void {
  const header = [
    "live timers",
    "insert+cancel ns/op",
    "advance ns/fired (1 jump)",
    "same, memory-local",
    "advance ns/fired (1 ms ticks)",
  ];
  const cells = rows.map((row) => [
    row.live.toLocaleString("en-US"),
    row.insertCancelNs.toFixed(1),
    row.advanceJumpNsPerFired.toFixed(1),
    row.advanceJumpLocalNsPerFired.toFixed(1),
    row.advanceTickNsPerFired.toFixed(1),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: string[]): string =>
    `| ${row.map((cell, column) => cell.padStart(widths[column] ?? 0)).join(" | ")} |`;
  console.log(`timing wheel, Node ${process.version}, median of ${SAMPLES} samples (advance: 3 to 5)`);
  console.log(line(header));
  console.log(`|${widths.map((width) => `${"-".repeat(width + 1)}:`).join("|")}|`);
  for (const row of cells) console.log(line(row));
  console.log("deadlines uniform in 1 ms..60 s.");
  console.log(
    "memory-local: entries get their deadlines in allocation order; the gap to the column before is cache misses.",
  );
  console.log(
    "1 ms ticks: 60,000 advance calls, whose fixed cost is spread over the fired timers (dominant at 1,000).",
  );
}

const invokedAs = process.argv[1];
if (invokedAs !== undefined && import.meta.url === pathToFileURL(invokedAs).href) {
  printTable(runWheelBench());
}

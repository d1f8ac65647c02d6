/**
 * A guided tour of mini-tokio's model: `npm run demo`.
 *
 * Real programs run on the runtime, and the log shows, step by step, what
 * the executor did (from the opt-in tracer) and what the futures did (said
 * by the futures themselves):
 *
 * 1. a hand-written future woken by a host timer: the waker contract;
 * 2. ping-pong over channels: each send wakes the task waiting to receive;
 * 3. timers under virtual time: the wheel wakes sleepers, the clock jumps;
 * 4. select: the loser is cancelled, and cancellation is drop;
 * 5. the cooperative budget tames a greedy task;
 * 6. a socket read: Pending until the host's 'data' event wakes the task;
 * 7. what a generator future compiles to, run beside the generator.
 *
 * Every run is drawn from its trace into `demo-out/`: one SVG sequence
 * diagram per run, `report.html` with them all (timelines, tasks, event
 * log), and `trace.json`. `--out <dir>` writes elsewhere. The tour is
 * deterministic (one 20 ms host timer and one loopback socket are the only
 * things it waits for; the other timers run on virtual clocks), and CI runs it.
 *
 * @module
 */

import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Narrator } from "./tour/narrator.js";
import { writeTourOutput } from "./tour/output.js";
import { SCENES } from "./tour/scenes.js";

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const outDir =
  outAt >= 0 && args[outAt + 1] !== undefined
    ? resolve(args[outAt + 1] ?? "")
    : fileURLToPath(new URL("../demo-out/", import.meta.url));

const narrator = new Narrator();
console.log("mini-tokio, step by step: what the executor does (poll, Pending, wake, Ready, abort)");
console.log("and what the futures say (· lines), in the order it happens.");

for (const scene of SCENES) await scene(narrator);

const written = writeTourOutput(narrator.scenes, outDir);
const steps = narrator.scenes.reduce((n, scene) => n + scene.steps.length, 0);
const shown = (path: string): string => relative(process.cwd(), path) || path;
console.log();
console.log(`Recorded ${steps} steps of ${narrator.scenes.length} runs, and drew them:`);
for (const path of written) console.log(`  ${shown(path)}`);
console.log();
console.log(`Open ${shown(resolve(outDir, "report.html"))} in a browser for the timelines and the diagrams.`);

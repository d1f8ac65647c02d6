/**
 * A guided tour of mini-tokio's model: `npm run demo`.
 *
 * Three real programs run on the runtime, and the log shows, step by step,
 * what the executor did (from the opt-in tracer) and what the futures did
 * (said by the futures themselves):
 *
 * 1. ping-pong: lazy tasks taking turns through the run queue;
 * 2. a hand-written future woken by a host timer: the waker contract;
 * 3. abort: cancellation is drop.
 *
 * Every step is also written to `examples/out/tour-trace.json`, so pictures
 * can be drawn from real traces. The tour is deterministic (one 20 ms host
 * timer is the only thing it waits for), and CI runs it as a smoke test.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { abort } from "./tour/abort.js";
import { hostTimer } from "./tour/host-timer.js";
import { Narrator } from "./tour/narrator.js";
import { pingPong } from "./tour/ping-pong.js";

const narrator = new Narrator();
console.log("mini-tokio, step by step: what the executor does (poll, Pending, wake, Ready, abort)");
console.log("and what the futures say (· lines), in the order it happens.");

await pingPong(narrator);
await hostTimer(narrator);
await abort(narrator);

const outDir = new URL("out/", import.meta.url);
const outFile = new URL("tour-trace.json", outDir);
mkdirSync(outDir, { recursive: true });
writeFileSync(outFile, `${JSON.stringify({ scenes: narrator.scenes }, null, 2)}\n`);
const steps = narrator.scenes.reduce((n, scene) => n + scene.steps.length, 0);
console.log();
console.log(
  `Recorded ${steps} steps of ${narrator.scenes.length} runs in ${relative(process.cwd(), fileURLToPath(outFile))}.`,
);

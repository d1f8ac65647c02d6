/**
 * What the tour leaves behind: one sequence diagram per recorded run, the
 * HTML report of them all, and the raw trace, in `demo-out/`.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderHtmlReport, renderSequenceSvg } from "../../src/illustrate/index.js";
import type { RecordedScene } from "./narrator.js";

/** The sequence diagram of one recorded run, as the tour draws it. */
export function sceneSvg(scene: RecordedScene): string {
  return `${renderSequenceSvg(scene.steps, { title: scene.title })}\n`;
}

/** Writes the pictures, the report and the trace into `dir`; returns the files written. */
export function writeTourOutput(scenes: readonly RecordedScene[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string): void => {
    const path = join(dir, name);
    writeFileSync(path, text);
    written.push(path);
  };
  for (const scene of scenes) write(`${scene.slug}.svg`, sceneSvg(scene));
  write(
    "report.html",
    renderHtmlReport(
      scenes.map((scene) => ({
        title: scene.title,
        trace: scene.steps,
        description: scene.why.join(" "),
        ...(scene.metrics === undefined ? {} : { metrics: scene.metrics }),
      })),
      {
        title: "mini-tokio, step by step",
        description:
          "The runs of the guided tour (npm run demo), drawn from their traces: what the executor did to each task, who woke whom, and what the futures said.",
      },
    ),
  );
  write("trace.json", `${JSON.stringify({ scenes }, null, 2)}\n`);
  return written;
}

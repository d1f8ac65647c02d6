// Each recorded run of the tour is drawn in the report under its own
// caption: the caption must say what that run shows.

import assert from "node:assert/strict";
import { test } from "node:test";
import { hostTimer } from "../../examples/tour/host-timer.js";
import { Narrator } from "../../examples/tour/narrator.js";

test("the stalled blockOn run of scene 1 is captioned as a stall, the rt.run one as Ready", async () => {
  const narrator = new Narrator({ write: () => {} });
  await hostTimer(narrator);
  const [stalled, ran] = narrator.scenes;
  assert.ok(stalled !== undefined && ran !== undefined);
  assert.match(stalled.title, /blockOn stalls/);
  const stalledWhy = stalled.why.join(" ");
  assert.doesNotMatch(stalledWhy, /this time it is Ready/);
  assert.match(stalledWhy, /StallError/);
  assert.match(stalledWhy, /drop/);
  assert.match(ran.why.join(" "), /this time it is Ready/);
  // The drawn runs agree with their captions.
  assert.ok(stalled.steps.some((s) => s.kind === "cancelled"));
  assert.ok(ran.steps.some((s) => s.kind === "ready"));
});

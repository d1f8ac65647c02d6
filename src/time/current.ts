/**
 * Finding the clock of the runtime whose task is running.
 *
 * @module
 */

import { currentRuntime } from "../runtime/current.js";
import type { TimeDriver } from "./driver.js";

/** The current runtime's time driver; throws a clear error outside a runtime. @internal */
export function currentTime(api: string): TimeDriver {
  const rt = currentRuntime();
  if (rt === undefined) {
    throw new Error(
      `${api} needs a runtime's clock, but no runtime is running here: call it from a task (a future run by rt.blockOn, rt.run or main)`,
    );
  }
  return rt.timeDriver;
}

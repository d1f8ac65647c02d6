/**
 * Finding the clock of the runtime whose task is running.
 *
 * @module
 */

import { currentHandle } from "../context/current.js";
import type { TimeHandle } from "../context/handle.js";

/** The current runtime's clock and timers; throws a clear error outside a runtime. @internal */
export function currentTime(api: string): TimeHandle {
  return currentHandle(api, "a runtime's clock").time;
}

/**
 * `Instant`: a reading of a runtime's clock.
 *
 * @module
 */

import { describe } from "../future/future.js";

/**
 * A point in time on a runtime's clock, in milliseconds since the runtime
 * started (tokio's `Instant`). Only meaningful against the same runtime's
 * clock: with virtual time it is virtual too.
 *
 * @example
 * ```ts
 * import { Runtime, future, now, sleep } from "mini-tokio";
 * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
 *   const start = now();
 *   yield* sleep(1500);
 *   return now().since(start); // 1500
 * }));
 * ```
 */
export class Instant {
  /** Milliseconds since the runtime started. */
  readonly ms: number;

  /** @internal Read one with `now()`. */
  constructor(ms: number) {
    this.ms = ms;
  }

  /**
   * Milliseconds from `earlier` to this instant (0 if `earlier` is later).
   *
   * @throws TypeError if `earlier` is not an Instant.
   */
  since(earlier: Instant): number {
    if (!(earlier instanceof Instant)) {
      throw new TypeError(`instant.since(earlier): earlier must be an Instant (from now()), got ${describe(earlier)}`);
    }
    return Math.max(0, this.ms - earlier.ms);
  }

  /**
   * The instant `ms` milliseconds after this one.
   *
   * @throws TypeError if `ms` is not a number; RangeError if it is NaN or
   *   infinite.
   */
  add(ms: number): Instant {
    if (typeof ms !== "number") {
      throw new TypeError(`instant.add(ms): ms must be a finite number of milliseconds, got ${describe(ms)}`);
    }
    if (!Number.isFinite(ms)) {
      throw new RangeError(`instant.add(ms): ms must be a finite number of milliseconds, got ${ms}`);
    }
    return new Instant(this.ms + ms);
  }

  /** For `console.log` and template strings. */
  toString(): string {
    return `Instant(${this.ms} ms)`;
  }
}

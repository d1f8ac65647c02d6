/**
 * `Instant`: a reading of a runtime's clock.
 *
 * @module
 */

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

  /** Milliseconds from `earlier` to this instant (0 if `earlier` is later). */
  since(earlier: Instant): number {
    return Math.max(0, this.ms - earlier.ms);
  }

  /** The instant `ms` milliseconds after this one. */
  add(ms: number): Instant {
    if (typeof ms !== "number" || !Number.isFinite(ms)) {
      throw new RangeError(`instant.add(ms): ms must be a finite number, got ${String(ms)}`);
    }
    return new Instant(this.ms + ms);
  }

  /** For `console.log` and template strings. */
  toString(): string {
    return `Instant(${this.ms} ms)`;
  }
}

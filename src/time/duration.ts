/**
 * Checking durations at the API boundary.
 *
 * @module
 */

/**
 * Returns `ms` if it is a duration we accept: a number, finite, not NaN,
 * and ≥ 0 (or > 0 where `positive`). Otherwise throws a TypeError (not a
 * number) or RangeError (a number out of range) naming the argument.
 *
 * @internal
 */
export function checkDuration(api: string, ms: unknown, positive = false): number {
  if (typeof ms !== "number") {
    throw new TypeError(`${api}: the duration must be a number of milliseconds, got ${typeof ms}`);
  }
  if (Number.isNaN(ms) || !Number.isFinite(ms) || ms < 0 || (positive && ms === 0)) {
    throw new RangeError(
      `${api}: the duration must be a finite number of milliseconds ${positive ? "> 0" : "≥ 0"}, got ${ms}`,
    );
  }
  return ms;
}

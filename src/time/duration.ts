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

/**
 * The far future: no deadline lies beyond 2^52 ms (about 142,700 years) on
 * a runtime's clock, and the clock never goes past it. A finite duration
 * that reaches further is clamped to it, as tokio clamps to its far future:
 * "sleep for a very long time" works, and virtual time can jump there.
 * `Infinity` is different: a sleep of `Infinity` never ends (see `sleep`).
 *
 * @internal
 */
export const FAR_FUTURE_MS = 2 ** 52;

/**
 * Like {@link checkDuration}, but `Infinity` is allowed too: a wait that
 * never ends (`sleep`, `timeout`).
 *
 * @internal
 */
export function checkWait(api: string, ms: unknown): number {
  if (ms === Number.POSITIVE_INFINITY) return ms;
  if (typeof ms === "number" && !(ms >= 0)) {
    throw new RangeError(
      `${api}: the duration must be a finite number of milliseconds ≥ 0, or Infinity (never), got ${ms}`,
    );
  }
  return checkDuration(api, ms);
}

/**
 * The deadline `ms` after `nowMs` on the clock: whole milliseconds rounded
 * up, clamped to {@link FAR_FUTURE_MS}. `Infinity` (never) stays `Infinity`.
 *
 * @internal
 */
export function deadlineAfter(nowMs: number, ms: number): number {
  if (ms === Number.POSITIVE_INFINITY) return ms;
  return Math.min(Math.ceil(nowMs + ms), FAR_FUTURE_MS);
}

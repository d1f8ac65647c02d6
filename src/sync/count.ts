/**
 * Checking counts (permits, parties, capacities) at the API boundary.
 *
 * @module
 */

import { describe } from "../future/future.js";

/**
 * Returns `value` if it is an integer from `min` to `max`. Otherwise throws
 * a TypeError (not a number) or a RangeError (a number out of range) that
 * names the call, the argument and what is allowed.
 *
 * @internal
 */
export function checkCount(api: string, name: string, value: unknown, min: number, max: number): number {
  const allowed = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
  if (typeof value !== "number") throw new TypeError(`${api}: ${name} must be ${allowed}, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${api}: ${name} must be ${allowed}, got ${value}`);
  }
  return value;
}

/**
 * The stream pipeline every contender runs in `bench/stream.ts`: the same
 * source, the same two steps, the same checksum.
 *
 * ```text
 *   items 0 … n-1  ──▶  map: x * 3  ──▶  filter: even  ──▶  sum
 * ```
 *
 * The source is an array read item by item through each library's "from
 * an iterable" constructor; `triple` and `even` are the same two functions
 * everywhere, so what differs is only what a library charges per item and
 * per stage.
 *
 * @module
 */

const cache = new Map<number, readonly number[]>();

/** The items 0 … n-1, made once per size and shared by every contender. */
export function items(n: number): readonly number[] {
  let found = cache.get(n);
  if (found === undefined) {
    found = Array.from({ length: n }, (_, i) => i);
    cache.set(n, found);
  }
  return found;
}

/** The map step. */
export const triple = (x: number): number => x * 3;

/** The filter step: keeps half the items. */
export const even = (x: number): boolean => x % 2 === 0;

/** The checksum: the sum of 3i over the even i below n. */
export function expectedSum(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i += 2) sum += 3 * i;
  return sum;
}

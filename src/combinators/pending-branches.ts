/**
 * Naming what the pending branches of a `join` or `select` wait on, for
 * `rt.dump()` and `StallError`: a hung `joinAll` of 49 futures should say
 * "49 × Mutex.lock", not only "49 of 49 pending".
 *
 * @module
 */

/** Distinct descriptions listed before the rest are summed up. */
const MAX_GROUPS = 6;
/** Branch numbers shown per description. */
const MAX_INDICES = 3;

/** Branches that wait on the same thing, shown as one entry. */
interface Group {
  readonly what: string;
  readonly indices: number[];
  count: number;
}

/**
 * Lists the pending branches by what they wait on: branches with the same
 * description are grouped (`#0, #1, #2 and 46 more: Mutex.lock`), in the
 * order of their first branch. `describeAt(i)` says what branch `i` waits
 * on, or `undefined` when it has ended. Runs only when someone asks for a
 * dump: O(n) in the branches, allocations welcome.
 *
 * @internal
 */
export function describePendingBranches(n: number, describeAt: (i: number) => string | undefined): string {
  const groups: Group[] = [];
  const byWhat = new Map<string, Group>();
  let others = 0;
  for (let i = 0; i < n; i++) {
    const what = describeAt(i);
    if (what === undefined) continue;
    let group = byWhat.get(what);
    if (group === undefined) {
      if (groups.length === MAX_GROUPS) {
        others++;
        continue;
      }
      group = { what, indices: [], count: 0 };
      byWhat.set(what, group);
      groups.push(group);
    }
    group.count++;
    if (group.indices.length < MAX_INDICES) group.indices.push(i);
  }
  const parts = groups.map((g) => {
    const shown = g.indices.map((i) => `#${i}`).join(", ");
    const more = g.count - g.indices.length;
    return more > 0 ? `${shown} and ${more} more: ${g.what}` : `${shown} ${g.what}`;
  });
  if (others > 0) parts.push(`${others} more waiting on other things`);
  return parts.join("; ");
}

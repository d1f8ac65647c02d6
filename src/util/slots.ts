/**
 * A set whose members keep their own index in it: adding, removing and
 * testing membership are O(1), and each member costs one number field
 * and one array slot.
 *
 * ```text
 *   items: [ task 7 | task 2 | task 9 ]      task 2.slot = 1
 *   delete(task 7): the last member moves into its slot
 *   items: [ task 9 | task 2 ]               task 9.slot = 0, task 7.slot = -1
 * ```
 *
 * The runtime keeps the tasks that have waited for a wake in one (for
 * dumps and shutdown). An intrusive list (`list.ts`) would put two link fields
 * in every task, and most tasks never wait; a `Set` entry costs about
 * twice a slot here. Members come out in no particular order.
 *
 * @module
 */

/** What a member of a {@link SlotSet} carries: its index, or {@link NO_SLOT} outside the set. @internal */
export interface Slotted {
  slot: number;
}

/** The `slot` of an object in no {@link SlotSet}. @internal */
export const NO_SLOT = -1;

/** A set of {@link Slotted} objects, each in at most one such set. @internal */
export class SlotSet<T extends Slotted> implements Iterable<T> {
  private readonly items: T[] = [];

  /** Members now. */
  get size(): number {
    return this.items.length;
  }

  /** True when `item` is a member. */
  has(item: T): boolean {
    return item.slot !== NO_SLOT;
  }

  /** Adds `item` (nothing if it is a member already). */
  add(item: T): void {
    if (item.slot !== NO_SLOT) return;
    item.slot = this.items.length;
    this.items.push(item);
  }

  /** Removes `item` (nothing if it is not a member): the last member takes its slot. */
  delete(item: T): void {
    const i = item.slot;
    if (i === NO_SLOT) return;
    item.slot = NO_SLOT;
    const last = this.items.pop();
    if (last === undefined || last === item) return;
    this.items[i] = last;
    last.slot = i;
  }

  /** The members, in no particular order (a copy: deleting while iterating is safe). */
  [Symbol.iterator](): Iterator<T> {
    return [...this.items][Symbol.iterator]();
  }
}

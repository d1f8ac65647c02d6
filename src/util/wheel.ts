/**
 * Hierarchical timing wheel: the data structure that keeps every pending
 * `sleep`, `timeout` and `interval` of the runtime.
 *
 * ## The problem it solves
 *
 * A busy runtime holds a great many timers (one timeout per request is
 * typical) and cancels most of them before they fire. A binary heap pays
 * O(log n) for every insert and cancel. A flat array with one bucket per
 * millisecond would be O(1), but needs a bucket for every millisecond of
 * range: 2 years would be 68 billion buckets.
 *
 * ## Levels: an odometer made of buckets
 *
 * Write a time in base 64. Each base-64 digit gets its own level of 64
 * slots, so 6 levels cover 64^6 ms (about 2.2 years) with 384 slots:
 *
 * ```text
 *   level │ one slot spans  │ whole level spans
 *   ──────┼─────────────────┼──────────────────
 *     5   │ 64^5 ms ≈ 12 d  │ 64^6 ms ≈ 2.2 y
 *     4   │ 64^4 ms ≈ 4.7 h │ 64^5 ms ≈ 12 d
 *     3   │ 64^3 ms ≈ 4.4 m │ 64^4 ms ≈ 4.7 h
 *     2   │ 64^2 ms ≈ 4.1 s │ 64^3 ms ≈ 4.4 m
 *     1   │   64 ms         │ 64^2 ms ≈ 4.1 s
 *     0   │    1 ms         │   64 ms
 * ```
 *
 * An entry goes to the level of the highest base-64 digit in which its
 * deadline differs from the wheel's current time (`elapsed`), in the slot
 * named by that digit of the deadline:
 *
 * ```text
 *   base-64 digit:  level 5  4  3  2  1  0
 *   elapsed  =            0  0  0  3 17 40
 *   deadline =            0  0  0  5  2  9
 *                                  ▲ first digit that differs:
 *                                    level 2, slot 5
 *
 *   level 2: [ ][ ][ ][ ][ ][E][ ][ ] … 64 slots of 4096 ms
 *                      ▲     ▲
 *              elapsed is    slot 5 starts at 0 0 0 5 0 0
 *              in slot 3
 * ```
 *
 * Finding the level takes one XOR and one `Math.clz32`; appending to the
 * slot's intrusive doubly-linked list and setting one bit in the level's
 * 64-bit occupancy bitmap is constant work. Cancelling unlinks the entry
 * (it remembers its slot) and clears the bit if the slot became empty. Both
 * are O(1) whatever the number of timers, and allocate nothing.
 *
 * ## Cascading
 *
 * A slot above level 0 only knows its deadlines to within its span. When
 * time reaches the start of such a slot (0 0 0 5 0 0 above), the wheel takes
 * every entry out of it and re-inserts each one relative to the new time: the
 * entry now agrees with `elapsed` on at least one more digit, so it lands on
 * a lower level (here level 1, slot 2), and eventually on level 0, where a
 * slot is a single millisecond and the deadline is exact. An entry cascades
 * at most five times in its life (plus one re-parking per 2.2 years for the
 * very distant ones, see below), so the amortised cost per timer stays O(1),
 * and most timers are cancelled long before they get that far.
 *
 * To find the next slot that needs work the wheel scans at most six levels,
 * using `Math.clz32` on each bitmap to find its earliest non-empty slot. Empty
 * stretches of time cost nothing, so jumping forward by a year with a few
 * timers takes a handful of steps, not 3·10^10.
 *
 * ## Beyond 2.2 years
 *
 * The top level is a ring: its slot `s` stands for the next time, after now,
 * at which the top digit is `s`. A deadline that lies even further away is
 * parked in the top slot that will come round last, and that slot's cascade
 * simply parks it again, once per 2.2 years, until the deadline is within
 * range. It still fires at exactly its deadline.
 *
 * ## Order
 *
 * `advance` fires entries in order of deadline and, for equal deadlines, in
 * the order `insert` was called. Slots are FIFO lists and a cascade moves a
 * slot's entries in list order. The lower slots they move into never hold an
 * entry with the same deadline already: an entry inserted earlier with that
 * deadline would have been in the cascading slot too. So FIFO order is
 * insertion order all the way down.
 *
 * The wheel never reads a clock: the runtime passes time in, which is what
 * makes virtual time for tests trivial.
 *
 * @module
 */

/** Bits of time one level resolves: a level has 2^6 = 64 slots. */
const SLOT_BITS = 6;
/** Slots per level. */
const SLOTS = 1 << SLOT_BITS;
/** Number of levels. */
const LEVELS = 6;
/** Index of the top level, the one that works as a ring. */
const TOP = LEVELS - 1;
/**
 * Span of one top-level slot, 64^5 ms = 2^30 ms. Written as a power rather
 * than a shift because times go beyond 32 bits, where `<<` would wrap.
 */
const TOP_SLOT_MS = 2 ** 30;
/**
 * Slot index of the list of entries that are due but not yet handed to
 * `fire`. It shares the slot storage so that one unlink routine serves both.
 */
const PENDING = LEVELS * SLOTS;
/** `TimerEntry.wheelSlot` of an entry that is in no wheel. */
const UNREGISTERED = -1;
/**
 * `slotMin` marker meaning "the cached minimum was cancelled; rescan".
 * Any value below every possible deadline works: deadlines in the wheel are
 * greater than `elapsed`, which is at least 0.
 */
const DIRTY = -1;

/**
 * Number of levels in a {@link TimerWheel} (each has 64 slots).
 *
 * Useful to walk the levels, for example to check that
 * {@link TimerWheel.occupiedSlots} is 0 everywhere.
 *
 * @example
 * ```ts
 * const wheel = new TimerWheel();
 * for (let level = 0; level < WHEEL_LEVELS; level++) {
 *   console.log(level, wheel.occupiedSlots(level)); // 0 … 0
 * }
 * ```
 */
export const WHEEL_LEVELS: number = LEVELS;

/**
 * Time span the wheel covers without parking entries: 64^6 ms (about 2.2
 * years).
 *
 * Deadlines further away than this still work; they are re-parked once per
 * rotation of the top level. The constant is useful to write tests that
 * cross that line.
 *
 * @example
 * ```ts
 * const wheel = new TimerWheel();
 * const entry = new TimerEntry();
 * wheel.insert(entry, 3 * WHEEL_RANGE_MS); // about 6.6 years away
 * wheel.advance(3 * WHEEL_RANGE_MS, (e) => console.log(e.deadline));
 * ```
 */
export const WHEEL_RANGE_MS: number = 2 ** (SLOT_BITS * LEVELS);

/**
 * One timer registration: what a {@link TimerWheel} stores.
 *
 * The runtime subclasses it (or keeps one inside its own timer object) to
 * attach what should happen on expiry, such as a waker. The wheel reads and
 * writes only the fields declared here. An entry is in at most one wheel at
 * a time and must only be passed to that wheel's methods.
 *
 * The links live in the entry itself (an intrusive list), so registering
 * allocates nothing and cancelling is O(1). They cost three fields per
 * entry; `deadline` is the fourth.
 *
 * @example
 * ```ts
 * class Sleep extends TimerEntry {
 *   woken = false;
 * }
 * const wheel = new TimerWheel();
 * const sleep = new Sleep();
 * wheel.insert(sleep, 10);
 * wheel.advance(10, (entry) => {
 *   if (entry instanceof Sleep) entry.woken = true;
 * });
 * console.log(sleep.woken, sleep.isRegistered); // true false
 * ```
 */
export class TimerEntry {
  /**
   * Absolute deadline in whole milliseconds on the runtime's clock.
   *
   * Written by {@link TimerWheel.insert}; read it freely, but never change it
   * while the entry is registered (call `insert` again to move it): the
   * wheel relies on it to find the entry's slot. 0 until the first insert.
   *
   * Size note: V8 stores small integers (below 2^30 or 2^31 depending on
   * the build) unboxed, but once any entry holds a larger deadline, this
   * field becomes a boxed double in every entry (16 more bytes each). A
   * runtime clock whose zero is the runtime's start keeps deadlines small
   * for days; an epoch clock (`Date.now()`) never does.
   *
   * @internal
   */
  deadline = 0;

  /**
   * Internal to {@link TimerWheel}: next entry in the same slot's circular
   * list. Points at the entry itself when unlinked, so the link is never
   * null and an unlinked entry holds no other entry alive.
   *
   * @internal
   */
  wheelNext: TimerEntry = this;

  /** Internal to {@link TimerWheel}: previous entry in the same slot's circular list; the entry itself when unlinked. @internal */
  wheelPrev: TimerEntry = this;

  /**
   * Internal to {@link TimerWheel}: where the entry lives, so that cancel
   * needs no search. `level * 64 + slot` (0 to 383) while waiting in a slot,
   * 384 while due but not yet passed to `fire`, and -1 when in no wheel.
   *
   * @internal
   */
  wheelSlot: number = UNREGISTERED;

  /**
   * True while the entry is in a wheel: inserted, and neither fired nor
   * cancelled since.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel();
   * const entry = new TimerEntry();
   * wheel.insert(entry, 5);
   * console.log(entry.isRegistered); // true
   * wheel.cancel(entry);
   * console.log(entry.isRegistered); // false
   * ```
   */
  get isRegistered(): boolean {
    return this.wheelSlot !== UNREGISTERED;
  }
}

/**
 * A hierarchical timing wheel (6 levels × 64 slots, 1 ms resolution) that
 * holds {@link TimerEntry} registrations and fires them as time advances.
 *
 * It is pure bookkeeping: it never reads a clock and never schedules
 * anything. The runtime tells it the time with {@link TimerWheel.advance} and
 * asks {@link TimerWheel.nextExpiration} when it next has work. Insert and
 * cancel are O(1) and allocate nothing. See the module documentation for how
 * it works.
 *
 * @example
 * ```ts
 * const wheel = new TimerWheel(1000); // the runtime's clock reads 1000 ms
 * const a = new TimerEntry();
 * const b = new TimerEntry();
 * wheel.insert(a, 1500);
 * wheel.insert(b, 1200);
 * const sleepUntil = wheel.nextExpiration(); // <= 1200: time to sleep until
 * wheel.advance(1600, (entry) => console.log(entry.deadline)); // 1200, 1500
 * console.log(sleepUntil, wheel.size); // … 0
 * ```
 */
export class TimerWheel {
  /** Current time of the wheel; every registered deadline is after it, apart from the due list. */
  #elapsed: number;

  /** Number of registered entries, including due ones not yet fired. */
  #size = 0;

  /** True while `advance` is calling `fire`, to refuse a nested `advance`. */
  #firing = false;

  /**
   * Head of each slot's circular list (`level * 64 + slot`), plus the due
   * list at index `PENDING`. The tail is `head.wheelPrev`.
   */
  readonly #heads: Array<TimerEntry | null>;

  /**
   * Occupancy bitmaps: word `2 * level` holds slots 0 to 31 of that level,
   * word `2 * level + 1` slots 32 to 63, so slot index `i` is bit `i & 31`
   * of word `i >> 5`. Plain 32-bit words because bitwise operators on
   * `number` stop at 32 bits and `BigInt` allocates.
   */
  readonly #occupied: Int32Array;

  /**
   * Smallest deadline in each slot, or `DIRTY` after the smallest one
   * was cancelled, or `Infinity` when empty. Kept so that `nextDeadline`
   * need not walk lists; updating it on insert is one comparison.
   */
  readonly #slotMin: Float64Array;

  /**
   * Creates an empty wheel whose current time is `startMs`.
   *
   * @param startMs - Initial value of {@link TimerWheel.elapsed}: whole
   *   milliseconds on the runtime's clock, a safe integer >= 0. Defaults to 0.
   * @throws RangeError if `startMs` is not a safe integer >= 0.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel(1_700_000_000_000); // a wall-clock epoch works
   * console.log(wheel.elapsed); // 1700000000000
   * ```
   */
  constructor(startMs = 0) {
    if (!Number.isSafeInteger(startMs) || startMs < 0) {
      throw new RangeError(`TimerWheel: startMs must be a safe integer >= 0, got ${startMs}`);
    }
    this.#elapsed = startMs;
    const heads: Array<TimerEntry | null> = [];
    for (let i = 0; i <= PENDING; i++) heads.push(null);
    this.#heads = heads;
    this.#occupied = new Int32Array((LEVELS * SLOTS) >> 5);
    this.#slotMin = new Float64Array(LEVELS * SLOTS).fill(Number.POSITIVE_INFINITY);
  }

  /**
   * The time the wheel has been advanced to, in milliseconds.
   *
   * Inside a `fire` callback this is already the `nowMs` passed to
   * {@link TimerWheel.advance}.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel();
   * wheel.advance(42, () => {});
   * console.log(wheel.elapsed); // 42
   * ```
   */
  get elapsed(): number {
    return this.#elapsed;
  }

  /**
   * Number of registered entries, counting those that are due but not yet
   * fired.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel();
   * wheel.insert(new TimerEntry(), 10);
   * console.log(wheel.size); // 1
   * ```
   */
  get size(): number {
    return this.#size;
  }

  /**
   * Registers `entry` to fire at `deadlineMs`. O(1), allocates nothing.
   *
   * An entry that is already registered is cancelled first, so inserting it
   * again resets its deadline (and its place among equal deadlines becomes
   * that of the new call). `entry.deadline` is set to `deadlineMs` in every
   * case.
   *
   * @param deadlineMs - Absolute deadline in whole milliseconds (the caller
   *   rounds up). Any distance works, including years.
   * @returns `true` if the entry is now registered; `false` if `deadlineMs
   *   <= elapsed`, in which case the entry is not registered and the caller
   *   should fire it at once.
   * @throws RangeError if `deadlineMs` is not a safe integer.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel(100);
   * const entry = new TimerEntry();
   * console.log(wheel.insert(entry, 150)); // true
   * console.log(wheel.insert(entry, 100)); // false: due already, fire it now
   * console.log(entry.isRegistered); // false
   * ```
   */
  insert(entry: TimerEntry, deadlineMs: number): boolean {
    if (!Number.isSafeInteger(deadlineMs)) {
      throw new RangeError(`TimerWheel.insert: deadlineMs must be a safe integer, got ${deadlineMs}`);
    }
    if (entry.wheelSlot !== UNREGISTERED) this.cancel(entry);
    entry.deadline = deadlineMs;
    if (deadlineMs <= this.#elapsed) return false;
    this.#link(entry, this.#slotFor(deadlineMs));
    this.#size++;
    return true;
  }

  /**
   * Unregisters `entry` so that it will not fire. O(1), allocates nothing;
   * does nothing if the entry is not registered.
   *
   * Safe to call from inside a `fire` callback, including on an entry that
   * is due in the same `advance`: it then does not fire.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel();
   * const entry = new TimerEntry();
   * wheel.insert(entry, 10);
   * wheel.cancel(entry);
   * wheel.cancel(entry); // idempotent
   * wheel.advance(20, () => console.log("never"));
   * ```
   */
  cancel(entry: TimerEntry): void {
    if (entry.wheelSlot === UNREGISTERED) return;
    this.#unlink(entry);
    this.#size--;
  }

  /**
   * The next time at which {@link TimerWheel.advance} has work to do, or
   * `undefined` if the wheel is empty. O(levels), allocates nothing.
   *
   * Precisely: the start of the earliest non-empty slot of the lowest
   * non-empty level. It guarantees `elapsed < nextExpiration() <=
   * nextDeadline()`, and that `advance(t)` for any `t < nextExpiration()`
   * fires nothing and cascades nothing. It is earlier than `nextDeadline()`
   * when the earliest entry still sits in a coarse slot that must first
   * cascade; calling `advance(nextExpiration())` repeatedly reaches
   * `nextDeadline()` in at most six steps, plus one per top-level slot that
   * holds only entries parked for later (which exist only for deadlines more
   * than 2.2 years away). A runtime that sleeps until this time therefore
   * never oversleeps a timer, and wakes early only a few times per timer.
   *
   * Exception: if a `fire` callback threw, the entries that were due but not
   * yet fired stay registered and this returns `elapsed`, because
   * `advance(elapsed)` delivers them.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel();
   * wheel.insert(new TimerEntry(), 5000);
   * let t = wheel.nextExpiration(); // 4096: the level-2 slot must cascade
   * let fired = 0;
   * while (t !== undefined && fired === 0) {
   *   wheel.advance(t, () => fired++);
   *   t = wheel.nextExpiration();
   * }
   * console.log(wheel.elapsed); // 5000
   * ```
   */
  nextExpiration(): number | undefined {
    if (this.#heads[PENDING] !== null) return this.#elapsed;
    const slot = this.#earliestSlot();
    return slot === -1 ? undefined : this.#slotStart(slot);
  }

  /**
   * The exact earliest deadline among registered entries, or `undefined` if
   * the wheel is empty. Allocates nothing and changes nothing observable.
   *
   * Costs O(levels) normally, O(64) when only top-level entries remain.
   * After the earliest entry of a slot is cancelled, the next call walks
   * that one slot's list once to find the new minimum.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel();
   * wheel.insert(new TimerEntry(), 5000);
   * wheel.insert(new TimerEntry(), 4999);
   * console.log(wheel.nextDeadline()); // 4999
   * ```
   */
  nextDeadline(): number | undefined {
    const due = this.#heads[PENDING];
    if (due !== null && due !== undefined) return due.deadline;
    const occupied = this.#occupied;
    for (let level = 0; level < TOP; level++) {
      const lo = occupied[level << 1] ?? 0;
      const hi = occupied[(level << 1) | 1] ?? 0;
      if ((lo | hi) === 0) continue;
      const slot = (level << SLOT_BITS) | lowestSlot(lo, hi);
      // A level-0 slot is one millisecond wide: its start is every deadline in it.
      return level === 0 ? this.#slotStart(slot) : this.#minDeadline(slot);
    }
    // The top level can hold parked entries whose slot comes round before
    // their deadline, so the earliest slot need not hold the earliest deadline.
    let min = Number.POSITIVE_INFINITY;
    for (let word = TOP << 1; word < LEVELS << 1; word++) {
      let bits = occupied[word] ?? 0;
      while (bits !== 0) {
        const slot = (word << 5) | ctz(bits);
        bits &= bits - 1;
        const m = this.#minDeadline(slot);
        if (m < min) min = m;
      }
    }
    return min === Number.POSITIVE_INFINITY ? undefined : min;
  }

  /**
   * Moves the wheel's time to `nowMs` and fires every entry whose deadline is
   * `<= nowMs`.
   *
   * Each due entry is unregistered and then passed to `fire`, in order of
   * deadline, equal deadlines in the order `insert` was called. During
   * `fire`, `elapsed` already equals `nowMs`. `fire` may call `insert` and
   * `cancel` on this wheel: a cancelled entry that was due does not fire; an
   * entry inserted with a deadline `<= nowMs` is refused by `insert` as
   * usual. Jumping far ahead costs one step per non-empty slot on the way,
   * never one per millisecond.
   *
   * If `fire` throws, the exception propagates; the entries still due stay
   * registered and fire on the next `advance`.
   *
   * @param nowMs - Current time in whole milliseconds. If it is before
   *   `elapsed`, the call does nothing.
   * @param fire - Called once per due entry.
   * @throws RangeError if `nowMs` is not a safe integer.
   * @throws Error if called from inside a `fire` callback.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel();
   * const tick = new TimerEntry();
   * wheel.insert(tick, 100);
   * let ticks = 0;
   * wheel.advance(1000, (entry) => {
   *   ticks++;
   *   wheel.insert(entry, wheel.elapsed + 100); // an interval re-arming itself
   * });
   * console.log(ticks, tick.deadline); // 1 1100
   * ```
   */
  advance(nowMs: number, fire: (entry: TimerEntry) => void): void {
    if (!Number.isSafeInteger(nowMs)) {
      throw new RangeError(`TimerWheel.advance: nowMs must be a safe integer, got ${nowMs}`);
    }
    if (this.#firing) {
      throw new Error("TimerWheel.advance must not be called from fire()");
    }
    if (nowMs < this.#elapsed) return;

    // Phase 1: walk the non-empty slots in time order, cascading coarse ones
    // and moving due entries to the due list. No user code runs here, so
    // the lists cannot change under our feet.
    for (;;) {
      const slot = this.#earliestSlot();
      if (slot === -1) break;
      const start = this.#slotStart(slot);
      if (start > nowMs) break;
      // Re-insertion during the cascade is relative to the slot's start.
      this.#elapsed = start;
      this.#expireSlot(slot, start);
    }
    this.#elapsed = nowMs;

    // Phase 2: hand out due entries one at a time, re-reading the list head
    // each time because fire() may cancel any of them.
    const heads = this.#heads;
    this.#firing = true;
    try {
      for (let entry = heads[PENDING]; entry !== null && entry !== undefined; entry = heads[PENDING]) {
        this.#unlink(entry);
        this.#size--;
        fire(entry);
      }
    } finally {
      this.#firing = false;
    }
  }

  /**
   * Number of non-empty slots on `level` (a population count of its
   * occupancy bitmap). For tests, debugging and metrics.
   *
   * @param level - 0 to {@link WHEEL_LEVELS} - 1.
   * @throws RangeError if `level` is out of range.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel();
   * wheel.insert(new TimerEntry(), 10); // level 0
   * wheel.insert(new TimerEntry(), 100); // level 1
   * console.log(wheel.occupiedSlots(0), wheel.occupiedSlots(1)); // 1 1
   * ```
   */
  occupiedSlots(level: number): number {
    if (!Number.isInteger(level) || level < 0 || level >= LEVELS) {
      throw new RangeError(`TimerWheel.occupiedSlots: level must be 0..${LEVELS - 1}, got ${level}`);
    }
    const occupied = this.#occupied;
    return popcount(occupied[level << 1] ?? 0) + popcount(occupied[(level << 1) | 1] ?? 0);
  }

  /**
   * Walks the whole structure and throws if any internal invariant is
   * broken. O(size); meant for tests and debugging, never for hot paths.
   *
   * Checked: bitmaps agree with the lists; links are consistent; every entry
   * knows its slot; every waiting entry's deadline is after `elapsed`, in or
   * after its slot's span (after only for parked top-level entries), and
   * its slot starts after `elapsed`; cached slot minima are exact; due
   * entries are not after `elapsed`; `size` is the number of entries.
   *
   * @throws Error describing the first broken invariant.
   *
   * @example
   * ```ts
   * const wheel = new TimerWheel();
   * wheel.insert(new TimerEntry(), 123_456);
   * wheel.advance(100_000, () => {});
   * wheel.checkInvariants(); // throws if the wheel is corrupt
   * ```
   */
  checkInvariants(): void {
    const fail = (message: string): never => {
      throw new Error(`TimerWheel invariant broken: ${message}`);
    };
    const now = this.#elapsed;
    let count = 0;
    for (let slot = 0; slot <= PENDING; slot++) {
      const head = this.#heads[slot] ?? null;
      if (slot < PENDING) {
        const bit = ((this.#occupied[slot >> 5] ?? 0) >>> (slot & 31)) & 1;
        if ((bit === 1) !== (head !== null)) {
          fail(`slot ${slot}: bitmap bit ${bit} but list is ${head ? "non-empty" : "empty"}`);
        }
      }
      if (head === null) continue;
      const start = slot < PENDING ? this.#slotStart(slot) : 0;
      const level = slot >> SLOT_BITS;
      const span = 2 ** (SLOT_BITS * level);
      if (slot < PENDING && start <= now) {
        fail(`slot ${slot} starts at ${start}, not after elapsed ${now}`);
      }
      let min = Number.POSITIVE_INFINITY;
      let entry = head;
      for (;;) {
        if (++count > this.#size) fail(`more entries than size ${this.#size}`);
        if (entry.wheelSlot !== slot) {
          fail(`entry in slot ${slot} says it is in ${entry.wheelSlot}`);
        }
        if (entry.wheelNext.wheelPrev !== entry) {
          fail(`broken links in slot ${slot}`);
        }
        const d = entry.deadline;
        if (slot === PENDING) {
          if (d > now) fail(`due entry ${d} is after elapsed ${now}`);
        } else {
          if (d <= now) fail(`waiting entry ${d} is not after elapsed ${now}`);
          if (d < start) fail(`entry ${d} is before its slot start ${start}`);
          if (level < TOP && d >= start + span) {
            fail(`entry ${d} is beyond its slot [${start}, ${start + span})`);
          }
        }
        if (d < min) min = d;
        entry = entry.wheelNext;
        if (entry === head) break;
      }
      const cached = this.#slotMin[slot];
      if (slot < PENDING && cached !== DIRTY && cached !== min) {
        fail(`slot ${slot} caches minimum ${cached}, actual ${min}`);
      }
    }
    if (count !== this.#size) fail(`size is ${this.#size}, counted ${count}`);
  }

  /**
   * Slot index (`level * 64 + slot`) where an entry with deadline `d >
   * elapsed` belongs right now.
   */
  #slotFor(d: number): number {
    const now = this.#elapsed;
    const chunk = Math.floor(d / TOP_SLOT_MS);
    const nowChunk = Math.floor(now / TOP_SLOT_MS);
    if (chunk === nowChunk) {
      // Same top-level slot: the two agree on every bit from 30 up, so the
      // differing bits fit in the 32 that `^` sees, and as d > now at least
      // one differs. The highest one names the first differing digit.
      const highBit = 31 - Math.clz32(d ^ now);
      const level = (highBit / SLOT_BITS) | 0;
      return (level << SLOT_BITS) | ((d >>> (level * SLOT_BITS)) & (SLOTS - 1));
    }
    // The top level is a ring of 64 slots starting after `now`. A deadline
    // 64 or more top slots away goes to the slot that comes round last (the
    // current one, one rotation on) and is re-parked when it cascades.
    const ringSlot = chunk - nowChunk < SLOTS ? chunk : nowChunk;
    return (TOP << SLOT_BITS) | (ringSlot & (SLOTS - 1));
  }

  /**
   * Start time of a non-empty slot, which is always after `elapsed`.
   * Below the top level, a slot lies in the same parent span as `elapsed`.
   * On the top level, it is the next time after `elapsed` that the ring
   * reaches the slot (a full rotation if it is the current slot: parked).
   */
  #slotStart(slot: number): number {
    const now = this.#elapsed;
    const level = slot >> SLOT_BITS;
    const index = slot & (SLOTS - 1);
    if (level < TOP) {
      const shift = level * SLOT_BITS;
      // Bits 0..29 of `now` (at most) are below this level's parent digit;
      // `&` sees the low 32 bits, which is enough.
      const parentStart = now - (now & ((1 << (shift + SLOT_BITS)) - 1));
      return parentStart + index * (1 << shift);
    }
    const nowChunk = Math.floor(now / TOP_SLOT_MS);
    const ahead = ((index - (nowChunk & (SLOTS - 1)) - 1) & (SLOTS - 1)) + 1;
    return (nowChunk + ahead) * TOP_SLOT_MS;
  }

  /**
   * Slot index of the slot `advance` must process next, or -1 if the wheel
   * is empty. Below the top level every non-empty slot starts after
   * `elapsed` within the current parent span, so the lowest set bit is the
   * earliest slot, and any slot of a lower level comes before any of a
   * higher one.
   */
  #earliestSlot(): number {
    const occupied = this.#occupied;
    for (let level = 0; level < TOP; level++) {
      const lo = occupied[level << 1] ?? 0;
      const hi = occupied[(level << 1) | 1] ?? 0;
      if ((lo | hi) !== 0) return (level << SLOT_BITS) | lowestSlot(lo, hi);
    }
    const lo = occupied[TOP << 1] ?? 0;
    const hi = occupied[(TOP << 1) | 1] ?? 0;
    if ((lo | hi) === 0) return -1;
    // Ring order: the first slot after the current one, wrapping around.
    const current = Math.floor(this.#elapsed / TOP_SLOT_MS) & (SLOTS - 1);
    let index = firstSlotFrom(lo, hi, current + 1);
    if (index === -1) index = firstSlotFrom(lo, hi, 0);
    return (TOP << SLOT_BITS) | index;
  }

  /**
   * Empties `slot`, whose start `start` is now `elapsed`: entries due at
   * `start` join the due list, the rest are re-inserted lower down (or, if
   * parked, back on the top level). List order is kept, which keeps equal
   * deadlines in insertion order.
   */
  #expireSlot(slot: number, start: number): void {
    const first = this.#heads[slot] ?? null;
    if (first === null) return;
    const last = first.wheelPrev;
    this.#heads[slot] = null;
    clearBit(this.#occupied, slot);
    this.#slotMin[slot] = Number.POSITIVE_INFINITY;
    let entry = first;
    for (;;) {
      // Read the successor before relinking `entry` into another list.
      const next = entry.wheelNext;
      const d = entry.deadline;
      this.#link(entry, d <= start ? PENDING : this.#slotFor(d));
      if (entry === last) break;
      entry = next;
    }
  }

  /** Appends `entry` to the tail of `slot`'s list (or the due list), keeping bitmap and minimum up to date. */
  #link(entry: TimerEntry, slot: number): void {
    const head = this.#heads[slot] ?? null;
    entry.wheelSlot = slot;
    if (head === null) {
      entry.wheelNext = entry;
      entry.wheelPrev = entry;
      this.#heads[slot] = entry;
      if (slot !== PENDING) {
        setBit(this.#occupied, slot);
        this.#slotMin[slot] = entry.deadline;
      }
      return;
    }
    const tail = head.wheelPrev;
    tail.wheelNext = entry;
    entry.wheelPrev = tail;
    entry.wheelNext = head;
    head.wheelPrev = entry;
    if (slot !== PENDING && entry.deadline < (this.#slotMin[slot] ?? 0)) {
      this.#slotMin[slot] = entry.deadline;
    }
  }

  /** Removes a registered `entry` from its list and marks it unregistered. */
  #unlink(entry: TimerEntry): void {
    const slot = entry.wheelSlot;
    const next = entry.wheelNext;
    if (next === entry) {
      this.#heads[slot] = null;
      if (slot !== PENDING) {
        clearBit(this.#occupied, slot);
        this.#slotMin[slot] = Number.POSITIVE_INFINITY;
      }
    } else {
      const prev = entry.wheelPrev;
      prev.wheelNext = next;
      next.wheelPrev = prev;
      if (this.#heads[slot] === entry) this.#heads[slot] = next;
      if (slot !== PENDING && entry.deadline === this.#slotMin[slot]) {
        this.#slotMin[slot] = DIRTY;
      }
    }
    // Self-links: an unlinked entry keeps no other entry reachable.
    entry.wheelNext = entry;
    entry.wheelPrev = entry;
    entry.wheelSlot = UNREGISTERED;
  }

  /** Smallest deadline in a non-empty slot, rescanning (and re-caching) it if the cached one was cancelled. */
  #minDeadline(slot: number): number {
    const cached = this.#slotMin[slot] ?? DIRTY;
    if (cached !== DIRTY) return cached;
    const head = this.#heads[slot] ?? null;
    let min = Number.POSITIVE_INFINITY;
    if (head !== null) {
      let entry = head;
      do {
        if (entry.deadline < min) min = entry.deadline;
        entry = entry.wheelNext;
      } while (entry !== head);
    }
    // Not observable: only the cache changes, and it now holds the truth.
    this.#slotMin[slot] = min;
    return min;
  }
}

/** Index of the lowest set bit of a non-zero 32-bit word. */
function ctz(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/** Lowest set slot of a level whose bitmap words `lo`/`hi` are not both 0. */
function lowestSlot(lo: number, hi: number): number {
  return lo !== 0 ? ctz(lo) : 32 + ctz(hi);
}

/** Lowest set slot `>= from` (0 to 64) of a level's bitmap, or -1. */
function firstSlotFrom(lo: number, hi: number, from: number): number {
  if (from < 32) {
    const masked = lo & (-1 << from);
    if (masked !== 0) return ctz(masked);
    return hi !== 0 ? 32 + ctz(hi) : -1;
  }
  if (from < SLOTS) {
    const masked = hi & (-1 << (from - 32));
    if (masked !== 0) return 32 + ctz(masked);
  }
  return -1;
}

/** Marks `slot` (`level * 64 + slot`) non-empty in the occupancy bitmaps. */
function setBit(occupied: Int32Array, slot: number): void {
  const word = slot >> 5;
  occupied[word] = (occupied[word] ?? 0) | (1 << (slot & 31));
}

/** Marks `slot` (`level * 64 + slot`) empty in the occupancy bitmaps. */
function clearBit(occupied: Int32Array, slot: number): void {
  const word = slot >> 5;
  occupied[word] = (occupied[word] ?? 0) & ~(1 << (slot & 31));
}

/** Number of set bits in a 32-bit word. */
function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

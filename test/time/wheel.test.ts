import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { SeededRandom } from "../../src/util/random.js";
import { TimerEntry, TimerWheel, WHEEL_LEVELS, WHEEL_RANGE_MS } from "../../src/util/wheel.js";

/** A timer entry with a name, so that tests can say which one fired. */
class Probe extends TimerEntry {
  readonly id: number;
  constructor(id: number) {
    super();
    this.id = id;
  }
}

/** What one call of `fire` saw. */
interface Fired {
  id: number;
  deadline: number;
  elapsed: number;
}

function idOf(entry: TimerEntry): number {
  assert.ok(entry instanceof Probe, "fire() received an entry the test never inserted");
  return entry.id;
}

function probes(count: number): Probe[] {
  return Array.from({ length: count }, (_, id) => new Probe(id));
}

/** Advances `wheel` to `now` and returns what fired, in order. */
function advanceAndRecord(wheel: TimerWheel, now: number, react?: (entry: TimerEntry) => void): Fired[] {
  const fired: Fired[] = [];
  wheel.advance(now, (entry) => {
    fired.push({ id: idOf(entry), deadline: entry.deadline, elapsed: wheel.elapsed });
    react?.(entry);
  });
  return fired;
}

function assertEmpty(wheel: TimerWheel): void {
  assert.equal(wheel.size, 0);
  assert.equal(wheel.nextExpiration(), undefined);
  assert.equal(wheel.nextDeadline(), undefined);
  for (let level = 0; level < WHEEL_LEVELS; level++) {
    assert.equal(wheel.occupiedSlots(level), 0, `level ${level} bitmap`);
  }
  wheel.checkInvariants();
}

/** Reproducible random numbers in [0, 1), from the runtime's own seeded generator. */
function prng(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.fraction();
}

const DAY = 86_400_000;
/** A wall-clock epoch: times above 2^32, where 32-bit bit tricks would break. */
const EPOCH = 1_700_000_000_000;

describe("misuse is refused and leaves the wheel unchanged", () => {
  test("the constructor rejects a start that is negative, fractional or not finite", () => {
    for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      assert.throws(() => new TimerWheel(bad), RangeError, String(bad));
    }
    assert.equal(new TimerWheel().elapsed, 0);
  });

  test("insert rejects a deadline that is not a safe integer, before touching the entry", () => {
    const wheel = new TimerWheel();
    const entry = new Probe(0);
    wheel.insert(entry, 10);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 10.5, 2 ** 53, -(2 ** 53)]) {
      assert.throws(() => wheel.insert(entry, bad), RangeError, String(bad));
    }
    assert.ok(entry.isRegistered);
    assert.equal(entry.deadline, 10);
    assert.equal(wheel.size, 1);
  });

  test("advance rejects a time that is not a safe integer", () => {
    const wheel = new TimerWheel();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
      assert.throws(() => wheel.advance(bad, () => {}), RangeError, String(bad));
    }
    assert.equal(wheel.elapsed, 0);
  });

  test("occupiedSlots rejects a level outside 0..5", () => {
    const wheel = new TimerWheel();
    for (const bad of [-1, WHEEL_LEVELS, 1.5]) assert.throws(() => wheel.occupiedSlots(bad), RangeError);
  });

  test("insert at or before elapsed returns false and does not register the entry", () => {
    const wheel = new TimerWheel(100);
    const entry = new Probe(0);
    assert.equal(wheel.insert(entry, 100), false);
    assert.equal(wheel.insert(entry, 99), false);
    assert.equal(wheel.insert(entry, -5), false);
    assert.equal(entry.isRegistered, false);
    assert.equal(entry.deadline, -5, "the refused deadline is still recorded");
    assertEmpty(wheel);
  });

  test("re-inserting a registered entry at a past deadline cancels it", () => {
    const wheel = new TimerWheel(100);
    const entry = new Probe(0);
    assert.equal(wheel.insert(entry, 5000), true);
    assert.equal(wheel.insert(entry, 50), false);
    assert.equal(entry.isRegistered, false);
    assertEmpty(wheel);
  });

  test("cancel of an entry that is not registered does nothing, and cancel is idempotent", () => {
    const wheel = new TimerWheel();
    const other = new Probe(1);
    wheel.insert(other, 7);
    const entry = new Probe(0);
    wheel.cancel(entry);
    wheel.insert(entry, 7);
    wheel.cancel(entry);
    wheel.cancel(entry);
    assert.equal(wheel.size, 1);
    assert.deepEqual(advanceAndRecord(wheel, 7), [{ id: 1, deadline: 7, elapsed: 7 }]);
  });

  test("advance to a time before elapsed does nothing", () => {
    const wheel = new TimerWheel(1000);
    wheel.insert(new Probe(0), 1001);
    assert.deepEqual(advanceAndRecord(wheel, 999), []);
    assert.equal(wheel.elapsed, 1000);
    assert.equal(wheel.size, 1);
  });

  test("advance called from inside fire throws, and the outer advance carries on", () => {
    const wheel = new TimerWheel();
    const [a, b] = probes(2);
    assert.ok(a && b);
    wheel.insert(a, 5);
    wheel.insert(b, 6);
    const errors: unknown[] = [];
    const fired = advanceAndRecord(wheel, 10, () => {
      try {
        wheel.advance(20, () => {});
      } catch (error) {
        errors.push(error);
      }
    });
    assert.deepEqual(
      fired.map((f) => f.id),
      [0, 1],
    );
    assert.equal(errors.length, 2);
    assert.equal(wheel.elapsed, 10);
  });

  test("if fire throws, the entries still due stay registered and fire in order on the next advance", () => {
    const wheel = new TimerWheel();
    const entries = probes(4);
    for (const [i, entry] of entries.entries()) wheel.insert(entry, 10 + i);
    const boom = new Error("boom");
    assert.throws(
      () =>
        wheel.advance(12, (entry) => {
          if (idOf(entry) === 0) throw boom;
        }),
      boom,
    );
    assert.equal(wheel.size, 3, "entries 1 and 2 are due, 3 is not");
    assert.equal(wheel.elapsed, 12);
    assert.equal(wheel.nextExpiration(), 12, "overdue entries make the next expiration now");
    assert.equal(wheel.nextDeadline(), 11);
    wheel.checkInvariants();
    assert.deepEqual(advanceAndRecord(wheel, 13), [
      { id: 1, deadline: 11, elapsed: 13 },
      { id: 2, deadline: 12, elapsed: 13 },
      { id: 3, deadline: 13, elapsed: 13 },
    ]);
    assertEmpty(wheel);
  });

  test("an empty wheel has neither a next expiration nor a next deadline", () => {
    assertEmpty(new TimerWheel());
    assertEmpty(new TimerWheel(EPOCH));
  });
});

describe("firing order", () => {
  test("due entries fire in deadline order, equal deadlines in insertion order", () => {
    const wheel = new TimerWheel();
    const deadlines = [30, 10, 20, 10, 5000, 30, 10];
    const entries = probes(deadlines.length);
    for (const [i, entry] of entries.entries()) wheel.insert(entry, deadlines[i] ?? 0);
    assert.deepEqual(
      advanceAndRecord(wheel, 10_000).map((f) => [f.deadline, f.id]),
      [
        [10, 1],
        [10, 3],
        [10, 6],
        [20, 2],
        [30, 0],
        [30, 5],
        [5000, 4],
      ],
    );
  });

  test("equal deadlines keep insertion order when the earlier entry has already cascaded", () => {
    const wheel = new TimerWheel();
    const [first, second, third] = probes(3);
    assert.ok(first && second && third);
    wheel.insert(first, 4096 + 200); // level 2 from elapsed 0
    wheel.advance(4100, () => {}); // first cascades at 4096, down to level 1
    wheel.insert(second, 4096 + 200); // lands on level 1 too, behind it
    wheel.advance(4096 + 192, () => {}); // both cascade to level 0
    wheel.insert(third, 4096 + 200);
    assert.deepEqual(
      advanceAndRecord(wheel, 5000).map((f) => f.id),
      [0, 1, 2],
    );
  });

  test("re-inserting an entry puts it behind the entries inserted before the re-insert", () => {
    const wheel = new TimerWheel();
    const [a, b, c] = probes(3);
    assert.ok(a && b && c);
    wheel.insert(a, 100);
    wheel.insert(b, 100);
    wheel.insert(c, 100);
    wheel.insert(a, 100);
    assert.deepEqual(
      advanceAndRecord(wheel, 100).map((f) => f.id),
      [1, 2, 0],
    );
  });

  test("inside fire, elapsed already equals the nowMs of the advance", () => {
    const wheel = new TimerWheel(EPOCH);
    const entries = probes(3);
    for (const [i, entry] of entries.entries()) wheel.insert(entry, EPOCH + 1 + i * 1000);
    const fired = advanceAndRecord(wheel, EPOCH + 5000);
    assert.deepEqual(
      fired.map((f) => f.elapsed),
      [EPOCH + 5000, EPOCH + 5000, EPOCH + 5000],
    );
  });
});

describe("cascade boundaries", () => {
  const boundaries: Array<[string, number]> = [
    ["63", 63],
    ["64", 64],
    ["65", 65],
    ["64^2 - 1", 64 ** 2 - 1],
    ["64^2", 64 ** 2],
    ["64^2 + 1", 64 ** 2 + 1],
    ["64^3 - 1", 64 ** 3 - 1],
    ["64^3", 64 ** 3],
    ["64^3 + 1", 64 ** 3 + 1],
    ["64^4 - 1", 64 ** 4 - 1],
    ["64^4", 64 ** 4],
    ["64^5 - 1", 64 ** 5 - 1],
    ["64^5", 64 ** 5],
    ["64^5 + 1", 64 ** 5 + 1],
    ["64^6 - 1", 64 ** 6 - 1],
    ["64^6 (one full range)", 64 ** 6],
    ["64^6 + 1", 64 ** 6 + 1],
    ["2·64^6 + 12345", 2 * 64 ** 6 + 12_345],
    ["5·64^6 - 1 (about 11 years)", 5 * 64 ** 6 - 1],
  ];

  /** Each case: start time, deadline. */
  const cases: Array<[string, number, number]> = [];
  for (const [label, d] of boundaries) {
    cases.push([`deadline ${label} from elapsed 0`, 0, d]);
    if (d > 1) cases.push([`deadline ${label} from elapsed 1`, 1, d]);
    if (d > 4095) cases.push([`deadline ${label} from elapsed 4095`, 4095, d]);
    cases.push([`deadline EPOCH + ${label} from elapsed EPOCH`, EPOCH, EPOCH + d]);
  }

  for (const [name, start, deadline] of cases) {
    test(`${name}: silent at D - 1, fires at D; a jump to D or to D + 1 fires it once`, () => {
      const stepped = new TimerWheel(start);
      stepped.insert(new Probe(0), deadline);
      assert.equal(stepped.nextDeadline(), deadline);
      assert.deepEqual(advanceAndRecord(stepped, deadline - 1), []);
      stepped.checkInvariants();
      assert.equal(stepped.size, 1);
      assert.equal(stepped.nextDeadline(), deadline);
      assert.deepEqual(advanceAndRecord(stepped, deadline), [{ id: 0, deadline, elapsed: deadline }]);
      assertEmpty(stepped);

      for (const now of [deadline, deadline + 1]) {
        const jumped = new TimerWheel(start);
        jumped.insert(new Probe(0), deadline);
        assert.deepEqual(advanceAndRecord(jumped, now), [{ id: 0, deadline, elapsed: now }]);
        assertEmpty(jumped);
      }
    });
  }
});

describe("fire() may call insert and cancel", () => {
  test("cancelling another entry that is due in the same advance stops it from firing", () => {
    const wheel = new TimerWheel();
    const [a, b, c] = probes(3);
    assert.ok(a && b && c);
    wheel.insert(a, 10);
    wheel.insert(b, 10); // same deadline, later in line
    wheel.insert(c, 5000); // due later in the same advance, comes from level 2
    const fired = advanceAndRecord(wheel, 6000, (entry) => {
      if (entry === a) {
        wheel.cancel(b);
        wheel.cancel(c);
      }
    });
    assert.deepEqual(
      fired.map((f) => f.id),
      [0],
    );
    assert.equal(b.isRegistered || c.isRegistered, false);
    assertEmpty(wheel);
  });

  test("the entry passed to fire is already unregistered, so cancelling it there is a harmless no-op", () => {
    const wheel = new TimerWheel();
    const [a, b] = probes(2);
    assert.ok(a && b);
    wheel.insert(a, 3);
    wheel.insert(b, 4);
    const fired = advanceAndRecord(wheel, 4, (entry) => {
      assert.equal(entry.isRegistered, false);
      wheel.cancel(entry);
    });
    assert.deepEqual(
      fired.map((f) => f.id),
      [0, 1],
    );
    assertEmpty(wheel);
  });

  test("an entry inserted inside fire registers if its deadline is after nowMs, and is refused otherwise", () => {
    const wheel = new TimerWheel();
    const [a, late, early] = probes(3);
    assert.ok(a && late && early);
    wheel.insert(a, 10);
    const results: boolean[] = [];
    advanceAndRecord(wheel, 50, () => {
      results.push(wheel.insert(late, 51));
      results.push(wheel.insert(early, 50));
    });
    assert.deepEqual(results, [true, false]);
    assert.equal(late.isRegistered, true);
    assert.equal(early.isRegistered, false);
    assert.deepEqual(advanceAndRecord(wheel, 51), [{ id: 1, deadline: 51, elapsed: 51 }]);
  });

  test("re-inserting the firing entry re-arms it, like an interval", () => {
    const wheel = new TimerWheel();
    const tick = new Probe(0);
    wheel.insert(tick, 100);
    const fired: Fired[] = [];
    for (let now = 10; now <= 1000; now += 10) {
      fired.push(...advanceAndRecord(wheel, now, (entry) => wheel.insert(entry, entry.deadline + 100)));
    }
    assert.deepEqual(
      fired.map((f) => f.elapsed),
      [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000],
    );
    assert.equal(tick.deadline, 1100);
    assert.equal(wheel.size, 1);
  });

  test("re-inserting another due entry inside fire moves it out of this advance", () => {
    const wheel = new TimerWheel();
    const [a, b] = probes(2);
    assert.ok(a && b);
    wheel.insert(a, 10);
    wheel.insert(b, 20);
    const fired = advanceAndRecord(wheel, 30, (entry) => {
      if (entry === a) wheel.insert(b, 40);
    });
    assert.deepEqual(
      fired.map((f) => f.id),
      [0],
    );
    assert.deepEqual(advanceAndRecord(wheel, 40), [{ id: 1, deadline: 40, elapsed: 40 }]);
  });
});

// ---------------------------------------------------------------------------
// Model-based property: the wheel against a sorted-list oracle.
// ---------------------------------------------------------------------------

type Reaction =
  | { kind: "none" }
  | { kind: "cancel"; target: number }
  | { kind: "rearm"; offset: number }
  | { kind: "insert"; target: number; offset: number };

type Op =
  | { kind: "insert"; target: number; offset: number }
  | { kind: "cancel"; target: number }
  | { kind: "advance"; by: number; reactions: Reaction[] };

/** The oracle: a plain list, sorted on demand. Obviously right, O(n) everything. */
class Oracle {
  elapsed: number;
  #seq = 0;
  readonly registered = new Map<number, { deadline: number; seq: number }>();

  constructor(start: number) {
    this.elapsed = start;
  }

  insert(id: number, deadline: number): boolean {
    this.registered.delete(id);
    if (deadline <= this.elapsed) return false;
    this.registered.set(id, { deadline, seq: this.#seq++ });
    return true;
  }

  cancel(id: number): void {
    this.registered.delete(id);
  }

  /** The due entry that comes first by (deadline, insertion order). */
  firstDue(now: number): number | undefined {
    let best: number | undefined;
    let bestKey = { deadline: Number.POSITIVE_INFINITY, seq: 0 };
    for (const [id, key] of this.registered) {
      if (key.deadline > now) continue;
      if (key.deadline < bestKey.deadline || (key.deadline === bestKey.deadline && key.seq < bestKey.seq)) {
        best = id;
        bestKey = key;
      }
    }
    return best;
  }

  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const { deadline } of this.registered.values()) if (min === undefined || deadline < min) min = deadline;
    return min;
  }
}

/** Runs one reaction (the k-th firing of an advance) against whichever implementation `insert`/`cancel` belong to. */
function react(
  reaction: Reaction,
  firingId: number,
  now: number,
  insert: (id: number, deadline: number) => boolean,
  cancel: (id: number) => void,
  results: boolean[],
): void {
  switch (reaction.kind) {
    case "none":
      return;
    case "cancel":
      cancel(reaction.target);
      return;
    case "rearm":
      results.push(insert(firingId, now + reaction.offset));
      return;
    case "insert":
      results.push(insert(reaction.target, now + reaction.offset));
      return;
  }
}

const POOL = 24;
const boundaryOffset = fc.constantFrom(
  1,
  63,
  64,
  65,
  4095,
  4096,
  4097,
  64 ** 3,
  64 ** 4,
  64 ** 5,
  64 ** 6 - 1,
  64 ** 6,
);
const offsetArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 200 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 300_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * WHEEL_RANGE_MS }) },
  { weight: 1, arbitrary: boundaryOffset },
);
const stepArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 300_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * WHEEL_RANGE_MS }) },
  { weight: 1, arbitrary: boundaryOffset },
);
const targetArb = fc.integer({ min: 0, max: POOL - 1 });
const reactionArb: fc.Arbitrary<Reaction> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), target: targetArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("rearm" as const), offset: offsetArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("insert" as const), target: targetArb, offset: offsetArb }) },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("insert" as const), target: targetArb, offset: offsetArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), target: targetArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      by: stepArb,
      reactions: fc.array(reactionArb, { minLength: 1, maxLength: 4 }),
    }),
  },
);
const startArb = fc.oneof(
  fc.constantFrom(0, 1, 4095, 64 ** 5 - 3, 2 ** 31 - 5, 2 ** 32 - 5, 64 ** 6 - 10, EPOCH),
  fc.integer({ min: 0, max: 2 ** 45 }),
);

describe("against a sorted-list oracle", () => {
  test("random inserts, cancels, re-inserts and advances fire the same entries, in the same order, at the same times", () => {
    fc.assert(
      fc.property(startArb, fc.array(opArb, { minLength: 10, maxLength: 80, size: "max" }), (start, ops) => {
        const wheel = new TimerWheel(start);
        const oracle = new Oracle(start);
        const entries = probes(POOL);
        const entry = (id: number): Probe => {
          const found = entries[id];
          assert.ok(found);
          return found;
        };
        const wheelInsert = (id: number, deadline: number) => wheel.insert(entry(id), deadline);
        const wheelCancel = (id: number) => wheel.cancel(entry(id));
        const oracleInsert = (id: number, deadline: number) => oracle.insert(id, deadline);
        const oracleCancel = (id: number) => oracle.cancel(id);

        for (const op of ops) {
          if (op.kind === "insert") {
            const deadline = oracle.elapsed + op.offset;
            assert.equal(wheelInsert(op.target, deadline), oracleInsert(op.target, deadline));
          } else if (op.kind === "cancel") {
            wheelCancel(op.target);
            oracleCancel(op.target);
          } else {
            const before = wheel.elapsed;
            const now = before + op.by;
            const actualResults: boolean[] = [];
            let k = 0;
            const actual = advanceAndRecord(wheel, now, (fired) => {
              assert.equal(fired.isRegistered, false);
              const reaction = op.reactions[k++ % op.reactions.length] ?? { kind: "none" };
              react(reaction, idOf(fired), now, wheelInsert, wheelCancel, actualResults);
            });

            const expected: Fired[] = [];
            const expectedResults: boolean[] = [];
            oracle.elapsed = now;
            for (let id = oracle.firstDue(now), j = 0; id !== undefined; id = oracle.firstDue(now), j++) {
              expected.push({ id, deadline: oracle.registered.get(id)?.deadline ?? Number.NaN, elapsed: now });
              oracle.cancel(id);
              const reaction = op.reactions[j % op.reactions.length] ?? { kind: "none" };
              react(reaction, id, now, oracleInsert, oracleCancel, expectedResults);
            }

            assert.deepEqual(actual, expected);
            assert.deepEqual(actualResults, expectedResults);
            for (const f of actual) {
              assert.equal(f.elapsed, now, "elapsed inside fire is the advance's nowMs");
              assert.ok(f.deadline <= now && f.deadline > before, "fires only deadlines in (previous now, now]");
            }
          }

          assert.equal(wheel.elapsed, oracle.elapsed);
          assert.equal(wheel.size, oracle.registered.size);
          const nextDeadline = wheel.nextDeadline();
          assert.equal(nextDeadline, oracle.nextDeadline());
          const nextExpiration = wheel.nextExpiration();
          if (nextDeadline === undefined) {
            assert.equal(nextExpiration, undefined);
          } else {
            assert.ok(nextExpiration !== undefined && nextExpiration > wheel.elapsed && nextExpiration <= nextDeadline);
          }
          for (const e of entries) assert.equal(e.isRegistered, oracle.registered.has(e.id));
          wheel.checkInvariants();
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("time can be advanced in any steps", () => {
  test("advancing 1 ms at a time over 5000 ms fires the same entries in the same order as one jump", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(0, 4000, 64 ** 3 - 2000, 2 ** 32 - 1000, EPOCH), fc.integer({ min: 0, max: 2 ** 40 })),
        fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 150 }),
        (start, offsets) => {
          const span = 5000;
          const stepped = new TimerWheel(start);
          const jumped = new TimerWheel(start);
          offsets.forEach((offset, id) => {
            stepped.insert(new Probe(id), start + offset);
            jumped.insert(new Probe(id), start + offset);
          });
          const steps: Fired[] = [];
          for (let now = start + 1; now <= start + span; now++) steps.push(...advanceAndRecord(stepped, now));
          const jump = advanceAndRecord(jumped, start + span);

          assert.deepEqual(
            steps.map((f) => [f.id, f.deadline]),
            jump.map((f) => [f.id, f.deadline]),
          );
          for (const f of steps) assert.equal(f.elapsed, f.deadline, "a 1 ms step fires each entry exactly on time");
          assert.equal(steps.length, offsets.length);
          assertEmpty(stepped);
          assertEmpty(jumped);
        },
      ),
      { numRuns: 25 },
    );
  });

  test("a jump of a year over a few entries takes a handful of slot visits, not one per millisecond", () => {
    const wheel = new TimerWheel(EPOCH);
    const year = 365 * DAY;
    wheel.insert(new Probe(0), EPOCH + year);
    wheel.insert(new Probe(1), EPOCH + 3 * year);
    const started = process.hrtime.bigint();
    const fired = advanceAndRecord(wheel, EPOCH + 4 * year);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.deepEqual(
      fired.map((f) => f.deadline - EPOCH),
      [year, 3 * year],
    );
    assert.ok(ms < 100, `jumping 4 years took ${ms} ms`);
  });
});

describe("nextExpiration is a safe time to sleep until", () => {
  test("it never exceeds nextDeadline, and advancing to it repeatedly reaches exactly nextDeadline", () => {
    fc.assert(
      fc.property(startArb, fc.array(offsetArb, { minLength: 1, maxLength: 30 }), (start, offsets) => {
        const wheel = new TimerWheel(start);
        let inserted = 0;
        offsets.forEach((offset, id) => {
          if (wheel.insert(new Probe(id), start + offset)) inserted++;
        });
        let steps = 0;
        let firedCount = 0;
        while (wheel.size > 0) {
          const target = wheel.nextDeadline();
          assert.ok(target !== undefined);
          let fired: Fired[] = [];
          while (fired.length === 0) {
            const next = wheel.nextExpiration();
            assert.ok(
              next !== undefined && next > wheel.elapsed && next <= target,
              `${next} within (elapsed, ${target}]`,
            );
            fired = advanceAndRecord(wheel, next);
            steps++;
          }
          assert.equal(wheel.elapsed, target);
          for (const f of fired) assert.equal(f.deadline, target);
          firedCount += fired.length;
        }
        assert.equal(firedCount, inserted);
        // Every step empties at least one slot, and an entry passes through at
        // most 6 levels plus one top-level parking per 2.2 years of distance.
        assert.ok(steps <= inserted * (WHEEL_LEVELS + 4), `${steps} steps for ${inserted} entries`);
        assertEmpty(wheel);
      }),
      { numRuns: 300 },
    );
  });

  test("for an entry in a coarse slot, nextExpiration is the slot's start and nextDeadline the exact deadline", () => {
    const wheel = new TimerWheel();
    wheel.insert(new Probe(0), 5000); // 5000 = 1·4096 + 14·64 + 8
    assert.deepEqual([wheel.nextExpiration(), wheel.nextDeadline()], [4096, 5000]);
    wheel.advance(4096, () => {});
    assert.deepEqual([wheel.nextExpiration(), wheel.nextDeadline()], [4096 + 14 * 64, 5000]);
    wheel.advance(4096 + 14 * 64, () => {});
    assert.deepEqual([wheel.nextExpiration(), wheel.nextDeadline()], [5000, 5000]);
  });

  test("nextDeadline stays exact after the earliest entry of a slot is cancelled", () => {
    const wheel = new TimerWheel();
    const entries = probes(3);
    const deadlines = [5000, 5100, 5050]; // all in level 2, slot 1
    for (const [i, entry] of entries.entries()) wheel.insert(entry, deadlines[i] ?? 0);
    assert.equal(wheel.nextDeadline(), 5000);
    wheel.cancel(entries[0] ?? new Probe(-1));
    assert.equal(wheel.nextDeadline(), 5050);
    wheel.cancel(entries[2] ?? new Probe(-1));
    assert.equal(wheel.nextDeadline(), 5100);
    wheel.checkInvariants();
  });
});

describe("scale", () => {
  test("1,000,000 entries inserted then cancelled leave size 0 and every level's bitmap empty", () => {
    const count = 1_000_000;
    const wheel = new TimerWheel(EPOCH);
    const random = prng(42);
    const entries: TimerEntry[] = [];
    for (let i = 0; i < count; i++) {
      const entry = new TimerEntry();
      entries.push(entry);
      // Mostly up to a minute, some up to a day, a few years away.
      const r = random();
      const offset = r < 0.8 ? 60_000 : r < 0.99 ? DAY : 3 * WHEEL_RANGE_MS;
      assert.equal(wheel.insert(entry, EPOCH + 1 + Math.floor(random() * offset)), true);
    }
    assert.equal(wheel.size, count);
    let occupied = 0;
    for (let level = 0; level < WHEEL_LEVELS; level++) occupied += wheel.occupiedSlots(level);
    assert.ok(occupied > 64, "the entries spread over many slots and levels");
    wheel.checkInvariants();
    // Cancel in an order unrelated to insertion: every other one, then the rest backwards.
    for (let i = 0; i < count; i += 2) wheel.cancel(entries[i] ?? new TimerEntry());
    for (let i = count - 1; i >= 0; i--) wheel.cancel(entries[i] ?? new TimerEntry());
    assertEmpty(wheel);
    assert.ok(entries.every((entry) => !entry.isRegistered && entry.wheelNext === entry));
  });
});

// Rules that hold for all inputs: each adapter matches the same pipeline on
// arrays, whatever the items, whatever the order in which sources are
// pending, and every source is disposed exactly once.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { asyncFn, fromIterable, merge, now, Runtime, type StreamExt, sleep, stream } from "../../src/index.js";
import { Stutter } from "../support/streams.js";

type Op =
  | { readonly kind: "map"; readonly k: number }
  | { readonly kind: "filter"; readonly m: number }
  | { readonly kind: "take"; readonly n: number }
  | { readonly kind: "chain"; readonly items: number[]; readonly stalls: boolean[] };

const ints = fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 30 });
const stalls = fc.array(fc.boolean(), { maxLength: 5 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("map" as const), k: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant("filter" as const), m: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant("take" as const), n: fc.nat(20) }),
  fc.record({ kind: fc.constant("chain" as const), items: ints, stalls }),
);

const mapped = (k: number) => (x: number) => x * k + 1;
const kept = (m: number) => (x: number) => ((x % m) + m) % m === 0;

function onArray(items: number[], ops: readonly Op[]): number[] {
  let out = items;
  for (const o of ops) {
    if (o.kind === "map") out = out.map(mapped(o.k));
    else if (o.kind === "filter") out = out.filter(kept(o.m));
    else if (o.kind === "take") out = out.slice(0, o.n);
    else out = [...out, ...o.items];
  }
  return out;
}

test("map, filter, take and chain match the same pipeline on arrays, and dispose every source once", () => {
  fc.assert(
    fc.property(fc.integer(), ints, stalls, fc.array(op, { maxLength: 6 }), (seed, items, stall, ops) => {
      const sources: Stutter<number>[] = [new Stutter(items, stall)];
      let s: StreamExt<number> = stream(sources[0] ?? new Stutter([], []));
      for (const o of ops) {
        if (o.kind === "map") s = s.map(mapped(o.k));
        else if (o.kind === "filter") s = s.filter(kept(o.m));
        else if (o.kind === "take") s = s.take(o.n);
        else {
          const next = new Stutter(o.items, o.stalls);
          sources.push(next);
          s = s.chain(next);
        }
      }
      const got = new Runtime({ seed }).blockOn(s.collect());
      assert.deepEqual(got, onArray(items, ops));
      assert.deepEqual(
        sources.map((x) => x.disposed),
        sources.map(() => 1),
      );
    }),
    { numRuns: 300 },
  );
});

test("the same pipelines from fromIterable over arrays", () => {
  fc.assert(
    fc.property(ints, fc.array(op, { maxLength: 6 }), (items, ops) => {
      let s: StreamExt<number> = fromIterable(items);
      for (const o of ops) {
        if (o.kind === "map") s = s.map(mapped(o.k));
        else if (o.kind === "filter") s = s.filter(kept(o.m));
        else if (o.kind === "take") s = s.take(o.n);
        else s = s.chain(fromIterable(o.items));
      }
      assert.deepEqual(new Runtime().blockOn(s.collect()), onArray(items, ops));
    }),
    { numRuns: 200 },
  );
});

test("merge yields every item of every stream exactly once, each stream's items in their order", () => {
  const inputs = fc.array(fc.record({ items: fc.array(fc.nat(99), { maxLength: 15 }), stalls }), { maxLength: 5 });
  fc.assert(
    fc.property(fc.integer(), inputs, (seed, specs) => {
      const sources = specs.map(
        (spec, source) =>
          new Stutter(
            spec.items.map((value, index) => ({ source, index, value })),
            spec.stalls,
          ),
      );
      const got = new Runtime({ seed }).blockOn(merge(...sources).collect());
      // As a multiset: the same items.
      const key = (x: { source: number; index: number }): string => `${x.source}:${x.index}`;
      assert.deepEqual(
        got.map(key).sort(),
        sources.flatMap((_, source) => specs[source]?.items.map((__, index) => key({ source, index })) ?? []).sort(),
      );
      // Per source: in order.
      for (let source = 0; source < specs.length; source++) {
        assert.deepEqual(
          got.filter((x) => x.source === source).map((x) => x.value),
          specs[source]?.items,
        );
      }
      assert.ok(sources.every((s) => s.disposed === 1));
    }),
    { numRuns: 300 },
  );
});

const delayed = asyncFn(function* (id: number, ms: number, gauge: { running: number; most: number }) {
  gauge.running++;
  gauge.most = Math.max(gauge.most, gauge.running);
  try {
    yield* sleep(ms);
    return { id, at: now().ms };
  } finally {
    gauge.running--;
  }
});

test("bufferUnordered yields every future's value once, in completion order, never more than n in flight (random delays, virtual time)", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.array(fc.nat(50), { maxLength: 25 }),
      fc.integer({ min: 1, max: 6 }),
      (seed, delays, n) => {
        const gauge = { running: 0, most: 0 };
        const rt = new Runtime({ seed, clock: "virtual" });
        const got = rt.blockOn(
          fromIterable(delays.map((ms, id) => ({ id, ms })))
            .map(({ id, ms }) => delayed(id, ms, gauge))
            .bufferUnordered(n)
            .collect(),
        );
        assert.deepEqual(
          got.map((x) => x.id).sort((a, b) => a - b),
          delays.map((_, id) => id),
        );
        for (let i = 1; i < got.length; i++) {
          assert.ok((got[i - 1]?.at ?? 0) <= (got[i]?.at ?? 0), "values come as their futures finish");
        }
        assert.ok(gauge.most <= n, `at most ${n} in flight, saw ${gauge.most}`);
        if (delays.length >= n && delays.every((ms) => ms > 0)) assert.equal(gauge.most, n, "and the buffer fills up");
        assert.equal(gauge.running, 0);
      },
    ),
    { numRuns: 150 },
  );
});

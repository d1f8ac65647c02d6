// tokio's rule: dropping a token in the middle of a tree hands its children
// to its parent, so cancelling the root still reaches them.

import assert from "node:assert/strict";
import { test } from "node:test";
import { CancellationToken } from "../../src/index.js";

test("disposing a middle token re-attaches its children to the grandparent", () => {
  const root = new CancellationToken();
  const middle = root.child();
  const leaves = [middle.child(), middle.child(), middle.child()];
  const grand = leaves[1]?.child();
  middle[Symbol.dispose]();
  root.cancel();
  assert.deepEqual(
    leaves.map((t) => t.isCancelled),
    [true, true, true],
  );
  assert.equal(grand?.isCancelled, true);
  assert.equal(middle.isCancelled, false, "the disposed token itself left the tree");
});

test("a re-attached child still leaves its new parent when disposed, and siblings stay linked", () => {
  const root = new CancellationToken();
  const sibling = root.child();
  const middle = root.child();
  const a = middle.child();
  const b = middle.child();
  middle[Symbol.dispose]();
  a[Symbol.dispose](); // leaves root's list now
  root.cancel();
  assert.equal(a.isCancelled, false);
  assert.equal(b.isCancelled, true);
  assert.equal(sibling.isCancelled, true);
});

test("disposing a root token leaves its children as roots of their own, uncancelled", () => {
  const root = new CancellationToken();
  const child = root.child();
  const grandchild = child.child();
  root[Symbol.dispose]();
  root.cancel();
  assert.equal(child.isCancelled, false);
  child.cancel();
  assert.equal(grandchild.isCancelled, true);
});

// Minimal checks of generated markup, without a parser dependency: tags
// balance, text holds no raw markup characters, and the <text> elements of
// an SVG read in document order.

import assert from "node:assert/strict";

const VOID_HTML = new Set(["meta", "link", "br", "hr", "img", "input"]);

/**
 * Asserts that `doc` is well-formed as far as tags go: every element is
 * closed in order, no stray `<` or `&` appears in text or attributes, and
 * no character XML forbids is present. HTML void elements may stay open.
 */
export function assertWellFormed(doc: string, { html = false } = {}): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for the characters XML forbids
  assert.doesNotMatch(doc, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, "holds a character XML forbids");
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+(?:="[^"<]*")?)*)\s*(\/?)>|<!doctype html>|<!--[\s\S]*?-->/gi;
  let last = 0;
  for (const m of doc.matchAll(tag)) {
    const between = doc.slice(last, m.index);
    if (stack.at(-1) !== "style") assertText(between);
    last = m.index + m[0].length;
    const [, closing, name, attrs, selfClosing] = m;
    if (name === undefined) continue; // doctype or comment
    if (attrs !== undefined) assertText(attrs.replace(/"[^"]*"/g, (v) => v.slice(1, -1)));
    const lower = name.toLowerCase();
    if (closing === "/") {
      assert.equal(stack.pop(), lower, `</${name}> closes the wrong element`);
    } else if (selfClosing !== "/" && !(html && VOID_HTML.has(lower))) {
      stack.push(lower);
    }
  }
  assertText(doc.slice(last));
  assert.deepEqual(stack, [], "elements left open");
}

function assertText(text: string): void {
  assert.doesNotMatch(text, /</, `raw < in text: ${JSON.stringify(text.slice(0, 80))}`);
  assert.doesNotMatch(
    text,
    /&(?!(?:amp|lt|gt|quot|#39|#\d+|#x[\da-f]+);)/i,
    `raw & in text: ${JSON.stringify(text.slice(0, 80))}`,
  );
}

/** The contents of the `<text>` elements whose class list includes `cls`, in document order, unescaped. */
export function texts(svg: string, cls: string): string[] {
  const found: string[] = [];
  for (const m of svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)) {
    const klass = /\bclass="([^"]*)"/.exec(m[1] ?? "")?.[1]?.split(" ") ?? [];
    if (klass.includes(cls)) found.push(decodeEntities(m[2] ?? ""));
  }
  return found;
}

/** Text with the five escapes {@link assertWellFormed} allows turned back into characters. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

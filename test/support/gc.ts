/**
 * How many garbage collections ran while `body` did: none means it
 * allocated (almost) nothing.
 *
 * A minor collection runs first, so garbage left by earlier code (a
 * warm-up, a test's own setup) cannot fill the young generation and set one
 * off inside `body`. Only a minor one: a full collection can drop hidden
 * classes and send the next run through cold code (see DESIGN.md). The test
 * runner starts Node with `--expose-gc`.
 */
export async function collectionsDuring(body: () => void): Promise<number> {
  const gc: unknown = Reflect.get(globalThis, "gc");
  if (typeof gc === "function") gc({ type: "minor" });
  let count = 0;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.POSITIVE_INFINITY;
  let sentinelSeen: () => void = () => {};
  const delivered = new Promise<void>((resolve) => {
    sentinelSeen = resolve;
  });
  // Only collections that started while `body` ran count: not one the
  // runtime or the test runner sets off afterwards (idle-time and
  // memory-reducer collections come in quiet moments).
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.startTime >= end) sentinelSeen();
      else if (entry.startTime >= start) count++;
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  start = performance.now();
  body();
  end = performance.now();
  // Entries arrive asynchronously, in order, some event-loop turns later (on
  // a loaded machine, later than any fixed wait). So set off one more
  // collection after `body` and wait until its entry arrives: by then every
  // entry of `body`'s collections has been delivered.
  if (typeof gc === "function") {
    gc({ type: "minor" });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 30_000); // a guard: the entry always comes
    });
    await Promise.race([delivered, timeout]);
    clearTimeout(timer);
  } else {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  observer.disconnect();
  return count;
}

/**
 * How many bytes the heap grew across `body`, measured after a full
 * collection before and after: about zero means `body` left nothing
 * reachable behind (dropped waiters really left their lists). Returns 0 when
 * `gc` is not exposed, so the check is skipped rather than guessed.
 */
export function heapGrowthAcross(body: () => void): number {
  const gc: unknown = Reflect.get(globalThis, "gc");
  if (typeof gc !== "function") {
    body();
    return 0;
  }
  gc();
  const before = process.memoryUsage().heapUsed;
  body();
  gc();
  return process.memoryUsage().heapUsed - before;
}

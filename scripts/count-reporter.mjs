// A node:test reporter that only counts: scripts/test.mjs reads its output
// to fail the run when no test executed at all (Node 20 exits 0 then).
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    // A file with no test in it is reported as one passing "test" named
    // after the file: that is not a test.
    const real = event.data?.details?.type !== "suite" && event.data?.name !== event.data?.file;
    // A skipped test is reported as passing, with the reason in `skip`: count
    // it apart, so a skip is never read as a pass.
    if (event.type === "test:pass" && real && event.data.skip !== undefined) skipped++;
    else if (event.type === "test:pass" && real) passed++;
    if (event.type === "test:fail" && real) failed++;
  }
  yield JSON.stringify({ passed, failed, skipped });
}

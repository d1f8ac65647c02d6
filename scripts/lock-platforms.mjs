// Keeps `npm ci` working where the registry carries only some of
// rust-just's per-platform binaries (ours has linux-x64 alone). `npm
// install` then leaves the other platforms out of package-lock.json, and
// `npm ci` refuses a lock that misses optional dependencies package.json
// implies. This lists each missing platform package with its os/cpu only:
// npm skips it on other machines and never needs to fetch it.
// Run it after an `npm install` that rewrote the lock.
import { readFileSync, writeFileSync } from "node:fs";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const wrapper = lock.packages["node_modules/rust-just"];
if (wrapper === undefined) throw new Error("rust-just is not in package-lock.json");
const manifest = JSON.parse(readFileSync("node_modules/rust-just/package.json", "utf8"));
const platform = { darwin: "darwin", linux: "linux", windows: "win32" };
let added = 0;
for (const [name, version] of Object.entries(manifest.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key] !== undefined) continue;
  const [, os, cpu] = /^rust-just-([a-z]+)-([a-z0-9]+)$/.exec(name) ?? [];
  if (os === undefined || cpu === undefined) continue;
  lock.packages[key] = {
    version,
    dev: true,
    license: wrapper.license,
    optional: true,
    os: [platform[os] ?? os],
    cpu: [cpu === "armv7" ? "arm" : cpu],
  };
  added++;
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: listed ${added} rust-just platform package(s) for npm ci`);

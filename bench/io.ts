/**
 * The io benchmarks: mini-redis against the same server written the
 * idiomatic async/await way, the callback-style floor of a Node server,
 * and Debian's redis-server, all driven by `redis-benchmark`.
 *
 * What it measures, for each server in turn (started as a child process
 * on 127.0.0.1 with a free port, alternating round by round):
 * - `redis-benchmark -t set,get -c 50 -P 16 -n <N>`: requests per second,
 *   shown as µs per request so that lower is better like every other table
 *   (the req/s are in their own column), with p50 and p99 latency;
 * - the same with `-P 1` (no pipelining: one round trip per request);
 * - the server's resident memory (VmRSS) with 1,000 idle connections open.
 *
 * Each server is warmed up first (an unrecorded `-P 16` run of up to
 * 50,000 requests), so the JIT has compiled its hot paths.
 *
 * The Node contenders share mini-redis's parser and key space
 * (`examples/mini-redis/resp.ts`, `commands.ts`, `db.ts`), so the
 * comparison is of the ways of waiting, not of the parsers:
 * `bench/contenders/io/redis-async-await.ts` (`for await` over the socket,
 * each reply's write awaited: the idiomatic shape, the baseline;
 * and, as a second row, the same with one awaited write per chunk, the
 * batching mini-redis does) and `bench/contenders/io/redis-callbacks.ts`
 * (`socket.on("data")`, one write per chunk). The targets: mini-redis ≥ 1.5× the
 * async/await server's requests/s and ≥ 0.8× the callback floor's at
 * `-P 16`, p99 no worse than async/await's, zero errors.
 *
 * Needs `redis-benchmark` and `redis-server` (Debian: `apt-get install
 * redis-tools redis-server`); a missing redis-server only drops its row.
 * Run by `bench/run.ts` in a child process:
 * `node bench/io.js [--quick] [filter] --servers <build dir | tsx> --out results.json`.
 *
 * @module
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { childArgs, isMain, median, round, writeResults } from "./core.js";
import { type Bench, evaluate, type Row, type TargetSpec } from "./report.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The benchmark ids, in table order. */
export const IO_BENCHMARKS = ["io-redis-p16", "io-redis-p1", "io-redis-p99", "io-redis-rss"] as const;

/** The io benchmarks whose id contains `filter` (all of them without one). */
export function selectIo(filter: string | undefined): string[] {
  return IO_BENCHMARKS.filter((id) => filter === undefined || id.includes(filter));
}

interface Contender {
  readonly id: string;
  readonly label: string;
  /** The command that starts the server on `port` (0: it picks one and prints it). */
  readonly command: (port: number) => [string, string[]];
  /** True when the server prints `listening on ip:port` (else it is polled with PING). */
  readonly prints: boolean;
}

function nodeServer(id: string, label: string, script: string, servers: string, extra: string[] = []): Contender {
  return {
    id,
    label,
    prints: true,
    command: (port) => {
      const file = servers === "tsx" ? join(ROOT, `${script}.ts`) : join(servers, `${script}.js`);
      const pre = servers === "tsx" ? ["--import", "tsx"] : [];
      return [process.execPath, [...pre, file, "--port", String(port), ...extra]];
    },
  };
}

function contenders(servers: string): Contender[] {
  const list = [
    nodeServer("mini-tokio", "mini-redis (mini-tokio)", "examples/mini-redis/main", servers),
    nodeServer(
      "async-await",
      "async/await: for await, await write per reply",
      "bench/contenders/io/redis-async-await",
      servers,
    ),
    nodeServer(
      "async-await-batched",
      "async/await, one awaited write per chunk",
      "bench/contenders/io/redis-async-await",
      servers,
      ["--batched"],
    ),
    nodeServer("callbacks", "callbacks: socket.on('data') (floor)", "bench/contenders/io/redis-callbacks", servers),
  ];
  if (spawnSync("redis-server", ["--version"]).status === 0) {
    list.push({
      id: "redis-server",
      label: "redis-server (Debian, C)",
      prints: false,
      command: (port) => [
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
      ],
    });
  } else {
    console.warn("bench io: redis-server is not installed; its row is left out (apt-get install redis-server)");
  }
  return list;
}

/** A free TCP port on 127.0.0.1 (for redis-server, which cannot pick one itself). */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = a !== null && typeof a === "object" ? a.port : 0;
      s.close(() => ok(port));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function ping(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    s.on("error", () => ok(false));
    s.on("data", (b: Buffer) => {
      s.destroy();
      ok(b.toString().startsWith("+PONG"));
    });
    s.write("PING\r\n");
  });
}

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
}

/** Starts a server and waits until it answers PING (at most 20 s). */
async function start(c: Contender): Promise<Running> {
  const wanted = c.prints ? 0 : await freePort();
  const [cmd, args] = c.command(wanted);
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`bench io: ${c.label} exited at start (${child.exitCode})`);
    const port = c.prints ? Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? 0) : wanted;
    if (port > 0 && (await ping(port))) return { child, port };
    await delay(50);
  }
  child.kill("SIGKILL");
  throw new Error(`bench io: ${c.label} did not start within 20 s`);
}

async function stop(r: Running): Promise<void> {
  if (r.child.exitCode !== null) return;
  const exited = new Promise((ok) => r.child.once("exit", ok));
  r.child.kill("SIGTERM");
  await Promise.race([exited, delay(5_000)]);
  if (r.child.exitCode === null) r.child.kill("SIGKILL");
}

interface Load {
  /** Requests per second over SET and GET together. */
  readonly rps: number;
  /** The server's CPU time (user + system) per request, in µs: steadier than req/s on a busy machine. */
  readonly cpu: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

/** A process's CPU time so far (user + system), in ms, from /proc (Linux's USER_HZ is 100). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Runs redis-benchmark against the server `pid` and parses its CSV (one line per test). */
function benchmark(port: number, pipeline: number, n: number, pid: number): Promise<Load> {
  const args = ["-h", "127.0.0.1", "-p", String(port), "-t", "set,get", "-c", "50", "-P", String(pipeline)];
  args.push("-n", String(n), "--csv");
  const cpuBefore = cpuMs(pid);
  return new Promise((ok, fail) => {
    const child = spawn("redis-benchmark", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", fail);
    child.on("exit", (code) => {
      if (code !== 0) return fail(new Error(`redis-benchmark exited with ${code}: ${err}`));
      const rows = out
        .split("\n")
        .filter((l) => /^"(SET|GET)"/.test(l))
        .map((l) => l.split(",").map((c) => Number(c.replaceAll('"', ""))));
      if (rows.length !== 2) return fail(new Error(`redis-benchmark printed no SET/GET rows: ${out}${err}`));
      // Both tests move n requests: the combined rate is the harmonic mean.
      const rps = 2 / rows.reduce((s, r) => s + 1 / (r[1] ?? Number.NaN), 0);
      const p50 = Math.max(...rows.map((r) => r[4] ?? Number.NaN));
      const p99 = Math.max(...rows.map((r) => r[6] ?? Number.NaN));
      const errors = (err.match(/error/gi) ?? []).length + (out.match(/error/gi) ?? []).length;
      const cpu = ((cpuMs(pid) - cpuBefore) * 1000) / (2 * n);
      ok({ rps, cpu, p50, p99, errors });
    });
  });
}

/** The server's resident memory in MB, from /proc. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Opens `count` idle connections, waits for the server to settle, reads its RSS, closes them. */
async function rssWithIdle(r: Running, count: number): Promise<{ base: number; loaded: number }> {
  const pid = r.child.pid ?? 0;
  const base = rssMb(pid);
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, () => {
        const s = net.connect({ port: r.port, host: "127.0.0.1" });
        s.on("error", () => {});
        sockets.push(s);
        return new Promise((ok) => s.once("connect", ok));
      }),
    );
  }
  // Each connection answers a PING, so the server has really set it up.
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise((ok) => {
          s.once("data", ok);
          s.write("PING\r\n");
        }),
    ),
  );
  await delay(500);
  const loaded = rssMb(pid);
  for (const s of sockets) s.destroy();
  return { base, loaded };
}

const P16_TARGETS: readonly TargetSpec[] = [
  // ≥ 1.5× the async/await server's req/s ⇔ ≤ 1/1.5 of its µs per request.
  { kind: "ratio", row: "mini-tokio", max: 1 / 1.5, to: "async-await" },
  // ≥ 0.8× the callback floor's req/s ⇔ ≤ 1.25× its µs per request.
  { kind: "within", row: "mini-tokio", of: "callbacks", versus: "the callback floor", max: 1.25 },
];
const P99_TARGETS: readonly TargetSpec[] = [{ kind: "ratio", row: "mini-tokio", max: 1.0, to: "async-await" }];

const fmt = (n: number): string => n.toLocaleString("en-US");

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--servers");
  const servers = at >= 0 ? (argv[at + 1] ?? "tsx") : "tsx";
  if (at >= 0) argv.splice(at, 2);
  const { quick, out, filter } = childArgs(argv);
  const ids = selectIo(filter);
  if (spawnSync("redis-benchmark", ["--version"]).status !== 0) {
    throw new Error("bench io: redis-benchmark is not installed (apt-get install redis-tools)");
  }
  const rounds = quick ? 1 : 3;
  const n16 = quick ? 20_000 : 400_000;
  const n1 = quick ? 5_000 : 100_000;
  const idle = 1_000;
  const list = contenders(servers);
  const samples = new Map<string, { p16: Load[]; p1: Load[]; rss: number[]; perConn: number[] }>();
  for (const c of list) samples.set(c.id, { p16: [], p1: [], rss: [], perConn: [] });
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (const c of list) {
      const s = samples.get(c.id);
      if (s === undefined) continue;
      const running = await start(c);
      const pid = running.child.pid ?? 0;
      try {
        // Warm up (JIT, Node's buffers) before the measured run; not recorded.
        await benchmark(running.port, 16, Math.min(n16, 50_000), pid);
        if (ids.includes("io-redis-p16") || ids.includes("io-redis-p99"))
          s.p16.push(await benchmark(running.port, 16, n16, pid));
        if (ids.includes("io-redis-p1")) s.p1.push(await benchmark(running.port, 1, n1, pid));
        if (ids.includes("io-redis-rss")) {
          const { base, loaded } = await rssWithIdle(running, idle);
          s.rss.push(loaded);
          s.perConn.push(((loaded - base) * 1024) / idle);
        }
      } finally {
        await stop(running);
      }
      process.stderr.write(`  io round ${round + 1}/${rounds}: ${c.label} done\n`);
    }
  }
  const baseline = { id: "async-await", label: "async/await" };
  const measuredAt = new Date().toISOString();
  const loadRows = (pick: (s: { p16: Load[]; p1: Load[] }) => Load[], value: (l: Load) => number): Row[] =>
    list.map((c) => {
      const loads = pick(samples.get(c.id) ?? { p16: [], p1: [] });
      const values = loads.map(value);
      return {
        id: c.id,
        label: c.label,
        size: loads.length,
        value: round(median(values)),
        samples: values.map(round),
        extra: {
          rps: Math.round(median(loads.map((l) => l.rps))),
          cpu: round(median(loads.map((l) => l.cpu))),
          p50: median(loads.map((l) => l.p50)),
          p99: median(loads.map((l) => l.p99)),
          errors: loads.reduce((s, l) => s + l.errors, 0),
        },
      };
    });
  const columns = [
    { key: "rps", header: "req/s" },
    { key: "cpu", header: "server CPU µs/req" },
    { key: "p50", header: "p50 ms" },
    { key: "p99", header: "p99 ms" },
    { key: "errors", header: "errors" },
  ];
  const common = (what: string): string[] => [
    `${what}; each server in a process of its own, started in turn, ${rounds} round${rounds === 1 ? "" : "s"} alternating; the median round. µs per request = 1,000,000 / req/s (SET and GET together); latencies are the worse of SET and GET.`,
    "server CPU µs/req: the server's user + system time during the run (from /proc), per request; it moves far less than req/s when the machine is shared.",
    "The Node servers share mini-redis's parser and key space. mini-redis, the callbacks and the batched async/await row write once per chunk read; the idiomatic async/await row awaits one write per reply.",
  ];
  const results: Bench[] = [];
  if (ids.includes("io-redis-p16")) {
    const rows = loadRows(
      (s) => s.p16,
      (l) => 1e6 / l.rps,
    );
    results.push({
      id: "io-redis-p16",
      title: "mini-redis under redis-benchmark, pipelined (-P 16)",
      unit: "µs per request",
      rows,
      verdicts: evaluate(rows, P16_TARGETS),
      notes: common(`redis-benchmark -t set,get -c 50 -P 16 -n ${fmt(n16)}`),
      measuredAt,
      quick,
      section: "io",
      baseline,
      columns,
    });
  }
  if (ids.includes("io-redis-p99")) {
    const rows = loadRows(
      (s) => s.p16,
      (l) => l.p99,
    );
    results.push({
      id: "io-redis-p99",
      title: "mini-redis p99 latency, pipelined (-P 16)",
      unit: "ms at p99",
      rows,
      verdicts: evaluate(rows, P99_TARGETS),
      notes: common(`the -P 16 runs above, their 99th percentile latency`),
      measuredAt,
      quick,
      section: "io",
      baseline,
      columns,
    });
  }
  if (ids.includes("io-redis-p1")) {
    const rows = loadRows(
      (s) => s.p1,
      (l) => 1e6 / l.rps,
    );
    results.push({
      id: "io-redis-p1",
      title: "mini-redis under redis-benchmark, one request per round trip (-P 1)",
      unit: "µs per request",
      rows,
      verdicts: [],
      notes: common(`redis-benchmark -t set,get -c 50 -P 1 -n ${fmt(n1)}`),
      measuredAt,
      quick,
      section: "io",
      baseline,
      columns,
    });
  }
  if (ids.includes("io-redis-rss")) {
    const rows: Row[] = list.map((c) => {
      const s = samples.get(c.id);
      const values = (s?.rss ?? []).map(round);
      return {
        id: c.id,
        label: c.label,
        size: idle,
        value: round(median(values)),
        samples: values,
        extra: { perConn: round(median(s?.perConn ?? [])) },
      };
    });
    results.push({
      id: "io-redis-rss",
      title: `server memory with ${fmt(idle)} idle connections`,
      unit: "MB resident",
      rows,
      verdicts: [],
      notes: [
        `VmRSS of the server process with ${fmt(idle)} connections open and idle (each answered one PING first); "KB per connection" is the growth over the server's RSS before they opened, divided by ${fmt(idle)}.`,
      ],
      measuredAt,
      quick,
      section: "io",
      baseline,
      columns: [{ key: "perConn", header: "KB per connection" }],
    });
  }
  process.stderr.write(`  io: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  writeResults(results, out);
}

if (isMain(import.meta.url)) await main();

// Test support: random generator bodies for the equivalence test, written
// from a seed so a failing program is reproduced from the seed alone.

/** A small deterministic random source, so a failing program is reproduced from its seed. */
class Dice {
  constructor(private state: number) {}
  next(): number {
    // xorshift32
    let x = this.state | 0 || 1;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return (x >>> 0) / 0x1_0000_0000;
  }
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) throw new Error("empty choice");
    return item;
  }
}

/** Where a statement is written: which jumps are allowed there. */
interface Place {
  /** Inside a loop: `continue` (and `break`) are allowed. */
  inLoop: boolean;
  /** Inside a switch: `break` is allowed. */
  inSwitch?: boolean;
  /** Labels of the enclosing loops, for `continue label`. */
  labels: string[];
}

/** Writes a random generator body. */
class BodyWriter {
  private label = 0;
  private loopVar = 0;
  constructor(private readonly dice: Dice) {}

  body(): string {
    return `let a = 1, b = 2, c = 0;\n${this.block(3, { inLoop: false, labels: [] })}\nreturn [a, b, c];`;
  }

  private await(): string {
    return this.dice.pick([
      "yield* yieldNow()",
      `yield* sleep(${this.dice.below(3)})`,
      `yield* spawn(value(${this.dice.below(9)}))`,
      `yield* value(${this.dice.below(9)})`,
      `yield* helper(log, ${this.dice.below(9)})`,
    ]);
  }

  private expr(depth: number): string {
    if (depth <= 0) return this.dice.pick(["a", "b", "c", String(this.dice.below(5))]);
    const d = depth - 1;
    switch (this.dice.below(9)) {
      case 0:
        return `(${this.expr(d)} + (${this.await()} ?? 1))`;
      case 1:
        return `pair(${this.expr(d)}, (${this.await()} ?? 0), ${this.expr(d)})`;
      case 2:
        return `(${this.expr(d)} && (${this.await()} ?? ${this.expr(d)}))`;
      case 3:
        return `(${this.expr(d)} || (${this.await()} ?? 3))`;
      case 4:
        return `(${this.expr(d)} > 2 ? (${this.await()} ?? 4) : ${this.expr(d)})`;
      case 5:
        return `\`\${${this.expr(d)}}:\${(${this.await()} ?? 5)}\`.length`;
      case 6:
        return `(a++, (${this.await()} ?? 0) + a)`;
      case 7:
        return `[${this.expr(d)}, (${this.await()} ?? 7)].length + ${this.expr(d)}`;
      default:
        return `(${this.await()} ?? ${this.expr(d)})`;
    }
  }

  private block(depth: number, ctx: Place): string {
    const n = 1 + this.dice.below(3);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(this.statement(depth, ctx));
    return lines.join("\n");
  }

  private statement(depth: number, ctx: Place): string {
    const v = this.dice.pick(["a", "b", "c"]);
    const leaf = [
      () => `log.push(${this.expr(1)});`,
      () => `${this.await()};`,
      () => `${v} = ${this.expr(2)};`,
      () => `${v} += ${this.expr(1)};`,
      () => `if (${this.expr(0)} > ${this.dice.below(6)}) throw new Error("t${this.dice.below(9)}");`,
      () => `if (${this.expr(0)} > ${this.dice.below(8)}) return "r" + ${this.expr(0)};`,
      ...(ctx.inLoop || ctx.inSwitch ? [() => `if (${this.expr(0)} > ${this.dice.below(6)}) break;`] : []),
      ...(ctx.inLoop
        ? [
            () => `if (${this.expr(0)} > ${this.dice.below(6)}) continue;`,
            ...ctx.labels.map((l) => () => `if (${this.expr(0)} > ${this.dice.below(6)}) continue ${l};`),
          ]
        : []),
    ];
    if (depth <= 0) return this.dice.pick(leaf)();
    const d = depth - 1;
    const compound = [
      () => `if (${this.expr(1)} > ${this.dice.below(5)}) {\n${this.block(d, ctx)}\n} else {\n${this.block(d, ctx)}\n}`,
      () => {
        const i = `i${this.loopVar++}`;
        const label = `L${this.label++}`;
        const inner = { inLoop: true, labels: [...ctx.labels, label] };
        return `${label}: for (let ${i} = 0; ${i} < ${1 + this.dice.below(3)}; ${i}++) {\nlog.push("${i}=" + ${i});\n${this.block(d, inner)}\n}`;
      },
      () => {
        const w = `w${this.loopVar++}`;
        return `{ let ${w} = 0; while (${w}++ < ${1 + this.dice.below(3)}) {\n${this.block(d, { inLoop: true, labels: ctx.labels })}\n} }`;
      },
      () => {
        const x = `x${this.loopVar++}`;
        const source = this.dice.pick(["[1, 2, 3]", "counted(log, 3)"]);
        return `for (const ${x} of ${source}) {\nlog.push("${x}=" + ${x});\n${this.block(d, { inLoop: true, labels: ctx.labels })}\n}`;
      },
      () => this.tryStatement(d, ctx),
      () => this.tryStatement(d, ctx),
      () => {
        const name = `u${this.loopVar++}`;
        const fails = this.dice.below(4) === 0;
        return `{\nusing ${name} = resource(log, "${name}", ${fails});\n${this.block(d, ctx)}\n}`;
      },
      () => {
        const inner = { ...ctx, inSwitch: true };
        const clause = () => `${this.block(d, inner)}${this.dice.below(2) === 0 ? "\nbreak;" : ""}`;
        return `switch (${this.expr(1)} % 3) {
case 0:
${clause()}
case (${this.await()} ?? 1):
${clause()}
default:
${clause()}
}`;
      },
    ];
    return this.dice.below(3) === 0 ? this.dice.pick(leaf)() : this.dice.pick(compound)();
  }

  private tryStatement(depth: number, ctx: Place): string {
    const id = this.dice.below(100);
    const shape = this.dice.below(3);
    const tryPart = `try {\n${this.block(depth, ctx)}\n}`;
    const catchPart = `catch (e${id}) {\nlog.push("caught " + e${id}.message);\n${this.block(depth - 1, ctx)}\n}`;
    const finallyBody = this.dice.below(4) === 0 ? `\n${this.block(Math.max(0, depth - 1), ctx)}` : "";
    const finallyPart = `finally {\nlog.push("finally ${id}");${finallyBody}\n}`;
    if (shape === 0) return `${tryPart} ${catchPart}`;
    if (shape === 1) return `${tryPart} ${finallyPart}`;
    return `${tryPart} ${catchPart} ${finallyPart}`;
  }
}

const PRELUDE = `import { future, sleep, yieldNow, spawn } from "mini-tokio";
const value = (k) => future(function* () { yield* yieldNow(); return k; });
function* helper(log, k) { try { yield* yieldNow(); return k; } finally { log.push("helper " + k); } }
function* counted(log, n) { try { for (let i = 1; i <= n; i++) yield i; } finally { log.push("counted closed"); } }
const pair = (x, y, z) => x + y * 2 + z * 3;
const resource = (log, name, fails) => ({ [Symbol.dispose]() { log.push("dispose " + name); if (fails) throw new Error("dispose " + name); } });
`;

/** A module whose `out.make(log)` is a generator future with a random body. */
export function program(seed: number): string {
  const body = new BodyWriter(new Dice(seed)).body();
  return `${PRELUDE}out.make = (log) => future(function* () {\n${body}\n});`;
}

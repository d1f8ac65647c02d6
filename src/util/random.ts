/**
 * A small seeded generator (mulberry32) for reproducible scheduling: the
 * same seed picks the same ready task at every turn, so an interleaving a
 * test found can be replayed exactly. Tests and benchmarks draw their
 * reproducible random inputs from it too.
 *
 * @module
 */

/** Deterministic 32-bit generator. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  fraction(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.fraction() * n);
  }
}

/**
 * The runtime's clock: real time that can be frozen and jumped.
 *
 * A clock reads milliseconds since the runtime started. Running, it follows
 * the host's monotonic clock (`performance.now()`); paused, it stands still
 * and only moves when told to (`advance`) or when the runtime jumps it to
 * the next timer because every task is idle (auto-advance). A virtual clock
 * is simply one that starts paused at 0.
 *
 * @module
 */

/** The host's monotonic clock in milliseconds. */
export function hostNow(): number {
  return performance.now();
}

/** Which clock a runtime uses: the host's, or a paused one starting at 0. */
export type ClockKind = "real" | "virtual";

/** A clock that runs with the host's, or stands still while paused. @internal */
export class Clock {
  /** The clock's reading when it was last paused or resumed. */
  private base = 0;
  /** The host's reading when the clock last resumed. */
  private hostBase: number;
  private paused: boolean;

  constructor(kind: ClockKind) {
    this.paused = kind === "virtual";
    this.hostBase = hostNow();
  }

  /** Milliseconds since the runtime started (fractional with the real clock). */
  now(): number {
    return this.paused ? this.base : this.base + (hostNow() - this.hostBase);
  }

  /** True while the clock stands still. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Freezes the clock at its current reading. Idempotent. */
  pause(): void {
    if (this.paused) return;
    this.base = this.now();
    this.paused = true;
  }

  /** Lets the clock run again from where it stood. Idempotent. */
  resume(): void {
    if (!this.paused) return;
    this.hostBase = hostNow();
    this.paused = false;
  }

  /** Moves a paused clock forward to `ms` (never backwards). */
  jumpTo(ms: number): void {
    if (ms > this.base) this.base = ms;
  }
}

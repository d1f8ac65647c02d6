/**
 * A gauge of how many sleeps are in progress at once, and the most there
 * were: the sleep benchmarks' task bodies call `enter()` before their
 * sleep and `leave()` after it.
 *
 * Why: "N concurrent sleeps" is what every contender is asked for, but a
 * runtime may start its tasks later than asked (Effect starts a forked
 * fiber on a later scheduler turn, and the host fires timers in between),
 * and then it never holds N sleeps, nor their memory, at once. The peak
 * shows it. Two integer updates per sleep, the same for every contender.
 *
 * @module
 */

/** Counts sleeps in progress and remembers the most at once. */
export class Gauge {
  private current = 0;
  private most = 0;

  /** A sleep starts. */
  enter(): void {
    if (++this.current > this.most) this.most = this.current;
  }

  /** A sleep is over. */
  leave(): void {
    this.current--;
  }

  /** The most sleeps in progress at once since the last call; starts counting afresh. */
  takePeak(): number {
    const most = this.most;
    this.most = this.current;
    return most;
  }
}

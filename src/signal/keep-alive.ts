/**
 * Keeping Node alive while a task waits for a signal.
 *
 * A signal listener does not keep Node's event loop alive: a program whose
 * only task awaits `ctrlC()` would see the loop run dry and end (`rt.run`
 * then reports a stall). tokio's `ctrl_c().await` waits forever, so while
 * any signal future is pending one ref'd timer holds the loop open; it is
 * cleared when the last one stops waiting.
 *
 * @module
 */

let waiting = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** One more future waits for a signal. */
export function holdAlive(): void {
  if (waiting++ === 0) timer = setInterval(() => {}, 2 ** 30);
}

/** One fewer future waits for a signal. */
export function releaseAlive(): void {
  if (--waiting === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}

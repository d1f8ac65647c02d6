/**
 * The tour's scenes, in order. Each runs real programs on fresh runtimes
 * and narrates them through the {@link Narrator} it is given.
 *
 * @module
 */

import { budget } from "./budget.js";
import { compiledScene } from "./compiled.js";
import { hostTimer } from "./host-timer.js";
import type { Narrator } from "./narrator.js";
import { pingPong } from "./ping-pong.js";
import { selectScene } from "./select.js";
import { socket } from "./socket.js";
import { timers } from "./timers.js";

/** A scene: plays its programs, narrated. */
export type Scene = (narrator: Narrator) => Promise<void>;

export const SCENES: readonly Scene[] = [hostTimer, pingPong, timers, selectScene, budget, socket, compiledScene];

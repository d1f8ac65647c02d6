// Runtimes the tests build again and again, named for what they give.

import { Runtime } from "../../src/index.js";

/** A fresh runtime on virtual time: sleeps and timeouts finish at once, in order, without wall-clock waits. */
export const virtual = (): Runtime => new Runtime({ clock: "virtual" });

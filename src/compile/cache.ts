/**
 * The compile cache on disk: a compiled module is stored under the hash of
 * what produced it (the compiler's own code, the file's URL and its source),
 * so a run that loads the same files again parses nothing.
 *
 * It lives in `os.tmpdir()/mini-tokio-compile` (or `MINI_TOKIO_COMPILE_CACHE`),
 * never in the work tree. Writes go to a temporary name and are renamed into
 * place, so two processes filling the cache at once never read half a file.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * What identifies the compiler: the text of the modules that decide its
 * output, so a changed compiler never reads entries an older one wrote.
 */
const COMPILER_VERSION = compilerFingerprint();

function compilerFingerprint(): string {
  const hash = createHash("sha256");
  for (const name of ["compile", "lower"]) {
    for (const extension of [".js", ".ts"]) {
      try {
        hash.update(readFileSync(new URL(`./${name}${extension}`, import.meta.url)));
        break;
      } catch {
        // The other extension: `.ts` from source, `.js` once built.
      }
    }
  }
  return hash.digest("hex");
}

/** A cache of compiled sources on disk; a miss or an unreadable entry just means compiling again. */
export class CompileCache {
  private readonly dir: string;
  private made = false;

  constructor(dir = process.env.MINI_TOKIO_COMPILE_CACHE ?? join(tmpdir(), "mini-tokio-compile")) {
    this.dir = dir;
  }

  /** The key of one module's compilation. */
  key(url: string, source: string): string {
    return createHash("sha256")
      .update(COMPILER_VERSION)
      .update("\0")
      .update(url)
      .update("\0")
      .update(source)
      .digest("hex");
  }

  /** The cached output, or undefined. */
  get(key: string): string | undefined {
    try {
      return readFileSync(join(this.dir, `${key}.js`), "utf8");
    } catch {
      return undefined;
    }
  }

  /** Stores an output; failures (a read-only disk) only cost a recompile next time. */
  set(key: string, code: string): void {
    try {
      if (!this.made) {
        mkdirSync(this.dir, { recursive: true });
        this.made = true;
      }
      const temp = join(this.dir, `${key}.${process.pid}.tmp`);
      writeFileSync(temp, code);
      renameSync(temp, join(this.dir, `${key}.js`));
    } catch {
      // The cache is an optimisation.
    }
  }
}

/**
 * `Symbol.dispose` where the engine lacks it.
 *
 * Disposal is how futures are dropped, and every `[Symbol.dispose]` method
 * needs the one well-known symbol as its key. Node ≥ 20 and current
 * browsers define it; older engines (Safari before 2025, V8 realms made by
 * `vm`) do not. There we define it as `Symbol.for("Symbol.dispose")`, the
 * same fallback TypeScript's `using` helpers and other polyfills use, so
 * everyone agrees on the key. This module runs before any class that uses
 * the symbol (it is the first import of `awaitable.ts`).
 *
 * @module
 */

/** Defines `Symbol.dispose` on `symbol` (the realm's `Symbol`) if missing. @internal */
export function ensureDisposeSymbol(symbol: SymbolConstructor): void {
  if (typeof Reflect.get(symbol, "dispose") !== "symbol") {
    Object.defineProperty(symbol, "dispose", { value: symbol.for("Symbol.dispose") });
  }
}

ensureDisposeSymbol(Symbol);

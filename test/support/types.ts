// Compile-time assertions: a type test fails by not type-checking, so these
// do nothing at run time.

/** `true` exactly when `A` and `B` are the same type (not merely assignable either way). */
export type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

/** Compiles only when `T` is `true`: `expectType<Equal<typeof v, number>>()`. */
export function expectType<_T extends true>(): void {}

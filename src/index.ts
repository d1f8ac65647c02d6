/**
 * mini-tokio: lazy, poll-based, cancellable async for TypeScript, on Rust's
 * model. This entry point is the runtime-agnostic core: it runs on Node,
 * browsers, Deno and Bun. The renderers that draw traces are in
 * `mini-tokio/illustrate`.
 *
 * @document ../docs/guides/index.md
 * @module mini-tokio
 */

export { Awaitable, awaitable } from "./async/awaitable.js";
export * as compiled from "./async/compiled-future.js";
export { type AsyncBody, asyncFn, future, GeneratorFuture } from "./async/generator.js";
export { type Joined, join, joinAll, tryJoin, tryJoinAll } from "./combinators/join.js";
export { race, type Selected, select } from "./combinators/select.js";
export { BUDGET, pollProceed, remainingBudget } from "./context/budget.js";
export { currentRuntime, spawn } from "./context/current.js";
export type { Handle, RuntimeHandle, SpawnOptions, TimeHandle } from "./context/handle.js";
export { type HostOperation, hostOperation } from "./context/host-operation.js";
export type { AbortHandle, JoinHandle } from "./context/join-handle.js";
export { type AwaitIterator, type Context, type Future, isFuture, type Output, type Pin } from "./future/future.js";
export { isPending, isReady, PENDING, type Poll, type Suspend } from "./future/poll.js";
export { noopWaker, type RawWaker, type RawWakerVTable, Waker, wakerFromFn } from "./future/waker.js";
export { fromAsyncIterable, toAsyncIterable } from "./interop/async-iterable.js";
export { fromPromise, toPromise } from "./interop/promise.js";
export { type MainOptions, main } from "./runtime/main.js";
export { Runtime, type RuntimeOptions, StallError, type WaitingTask } from "./runtime/runtime.js";
export { fromIterable } from "./stream/from-iterable.js";
export { type Item, isStream, type Stream } from "./stream/stream.js";
export { merge, StreamExt, stream } from "./stream/stream-ext.js";
export { StreamMap } from "./stream/stream-map.js";
export { Barrier, type BarrierWaitResult } from "./sync/barrier.js";
export { BroadcastReceiver, BroadcastRecvFuture, BroadcastSender, broadcast } from "./sync/broadcast.js";
export { ClosedFuture } from "./sync/closed.js";
export { LaggedError, RecvError, SendError } from "./sync/errors.js";
export * as mpmc from "./sync/mpmc.js";
export * as mpsc from "./sync/mpsc.js";
export { Mutex, type MutexGuard } from "./sync/mutex.js";
export { Notified, Notify } from "./sync/notify.js";
export { OnceCell, SetError } from "./sync/once-cell.js";
export { OneshotReceiver, OneshotSender, oneshot } from "./sync/oneshot.js";
export { RwLock, type RwLockMappedWriteGuard, type RwLockReadGuard, type RwLockWriteGuard } from "./sync/rw-lock.js";
export { AcquireError, Semaphore, type SemaphorePermit } from "./sync/semaphore.js";
export { ChangedFuture, WaitForFuture, WatchReceiver, WatchSender, watch } from "./sync/watch.js";
export type { AbortSignalLike, HostAbortSignal } from "./task/abort-signal.js";
export { CancellationToken, DropGuard } from "./task/cancellation-token.js";
export { consumeBudget } from "./task/consume-budget.js";
export { JoinError } from "./task/join-error.js";
export { JoinSet } from "./task/join-set.js";
export { type Scope, type ScopeBody, scope } from "./task/scope.js";
export type { TaskState } from "./task/state.js";
export { TaskLocal, TaskLocalFuture } from "./task/task-local.js";
export { yieldNow } from "./task/yield-now.js";
export type { ClockKind } from "./time/clock.js";
export * as time from "./time/control.js";
export { now } from "./time/control.js";
export { Instant } from "./time/instant.js";
export { Interval, type IntervalOptions, interval, type MissedTickBehavior } from "./time/interval.js";
export { Sleep, sleep, sleepUntil } from "./time/sleep.js";
export { TimeoutError, timeout } from "./time/timeout.js";
export { RuntimeDump, type TaskDump } from "./trace/dump.js";
export type { SlowPollEvent, TraceEvent, TraceEventOf, Tracer, WakeCause } from "./trace/event.js";
export type { RuntimeMetrics } from "./trace/metrics.js";
export type { Unsubscribe } from "./trace/observer.js";
export { SuppressedError, type SuppressedErrorConstructor, type SuppressedErrorLike } from "./util/suppressed.js";

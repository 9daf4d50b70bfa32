/**
 * Lifetimes: Disposable, DisposableStore, DisposableBase, the Clock, and work that must not
 * overlap or repeat (SingleFlight, Throttler, Sequencer, DelayedRun).
 *
 * Owns: how things that live are closed, how the core reads time and waits, and how it keeps
 * runs of the same work from overlapping.
 * Does not own: any capability; every capability uses these.
 * Anything that lives has an idempotent, terminal close(); owners register what they create at
 * once (after VS Code's DisposableStore), so closing the agent leaves no timer, watcher, socket
 * or handle behind.
 */
export type { Disposable } from './disposable-store.ts';
export { DisposableStore, toDisposable } from './disposable-store.ts';
export type { Clock, TimerHandle } from './clock.ts';
export { systemClock } from './clock.ts';
export { DisposableBase } from './disposable-base.ts';
export { Sequencer, SingleFlight, Throttler } from './async.ts';
export { DelayedRun } from './delayed-run.ts';

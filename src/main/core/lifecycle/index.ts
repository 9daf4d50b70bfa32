/**
 * Lifetimes: Disposable, DisposableStore and the Clock.
 *
 * Owns: how things that live are closed, and how the core reads time and waits.
 * Does not own: any capability; every capability uses these.
 * Anything that lives has an idempotent, terminal close(); owners register what they create at
 * once (after VS Code's DisposableStore), so closing the agent leaves no timer, watcher, socket
 * or handle behind.
 */
export type { Disposable } from './disposable-store.ts';
export { DisposableStore, toDisposable } from './disposable-store.ts';
export type { Clock, TimerHandle } from './clock.ts';
export { systemClock } from './clock.ts';

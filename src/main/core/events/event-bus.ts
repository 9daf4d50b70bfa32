import type { AgentEvent, EventType, LoggedEvent } from '../../../shared/events.ts';
import type { Disposable } from '../lifecycle/index.ts';

/** An event as the bus carries it: logged events have seq and at; transient ones do not. */
export type BusEvent = LoggedEvent | (AgentEvent & { seq?: undefined; at: number });

/** A listener for one event type, or for all. */
export type EventListener<E extends BusEvent = BusEvent> = (event: E) => void;

type EventOfType<T extends EventType> = Extract<BusEvent, { type: T }>;

/**
 * A typed, synchronous publish/subscribe bus.
 *
 * Listeners run in subscription order; one that throws is reported to `onListenerError` and
 * does not stop the others (a broken listener must not block delivery of a state change).
 */
export class EventBus {
  readonly #listeners = new Map<EventType | '*', Set<EventListener>>();
  readonly #onListenerError: (error: unknown, event: BusEvent) => void;

  constructor(onListenerError: (error: unknown, event: BusEvent) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Subscribes to one event type; close() the result to unsubscribe. */
  onDid<T extends EventType>(type: T, listener: EventListener<EventOfType<T>>): Disposable {
    return this.#add(type, listener as EventListener);
  }

  /** Subscribes to every event. */
  onDidAny(listener: EventListener): Disposable {
    return this.#add('*', listener);
  }

  /** Delivers events to listeners, in order. */
  publish(events: readonly BusEvent[]): void {
    for (const event of events) {
      for (const key of [event.type, '*'] as const) {
        for (const listener of this.#listeners.get(key) ?? []) {
          try {
            listener(event);
          } catch (error) {
            this.#onListenerError(error, event);
          }
        }
      }
    }
  }

  #add(key: EventType | '*', listener: EventListener): Disposable {
    let set = this.#listeners.get(key);
    if (!set) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(listener);
    return { close: () => void set.delete(listener) };
  }
}

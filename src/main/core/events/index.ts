/**
 * The in-process event bus: how capabilities hear of each other's changes.
 *
 * Owns: delivery of events to in-process listeners, in order.
 * Does not own: persistence. The store appends events to the log inside its transactions and
 * publishes them here only after commit, so a listener never sees a change that rolled back.
 */
export { EventBus } from './event-bus.ts';
export type { BusEvent, EventListener } from './event-bus.ts';

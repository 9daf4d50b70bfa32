/**
 * The feed's broadcast: logged events and progress, framed once and offered to every client.
 *
 * Owns: the set of connected clients, gathering a turn's events into runs of consecutive seqs,
 * serializing each event once for all clients and versions, progress frames, and the look at the
 * event log for events another process wrote. Does not own: how one client paces its socket or
 * catches up from the log (websocket/), nor what the events are (src/shared/events.ts).
 */
export {
  EventBroadcast,
  encodeMessage,
  type EventBroadcastOptions,
  type EventReceiver,
} from './event-broadcast.ts';
export { EventRun, toEventRuns, type EventFrame } from './event-frames.ts';

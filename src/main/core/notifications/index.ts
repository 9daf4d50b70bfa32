/**
 * Notifications: telling a person, once per burst, that files need them.
 *
 * Owns: which events need a person (an item failed or was quarantined), head office's answers
 * arriving (response.ready: "Response ready for REQ-77"), batching a burst into one notification
 * with a readable summary, rate limiting, and the on/off setting
 * (`desktop.notifications`).
 * Does not own: how a notification is shown (the host's Notifier: Electron's Notification in
 * the desktop shell).
 */
export { AttentionNotifier, type AttentionNotifierOptions } from './attention-notifier.ts';
export {
  ResponsesNotifier,
  summarizeResponses,
  type ResponsesNotifierOptions,
} from './responses-notifier.ts';

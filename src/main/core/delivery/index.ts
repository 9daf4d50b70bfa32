/**
 * Delivery: every queued file to its SharePoint library and folder, once, intact, visibly.
 *
 * Owns: app-only sign-in (msal-node's confidential client), a signed-in person's tokens for each
 * Graph call (through DelegatedTokens, which the account capability implements), the Graph client and its middleware, resolving site,
 * library and folders, the upload loop (simple PUT and resumable upload sessions), verification
 * by size and quickXorHash, library columns, the resilience policies (cockatiel), the
 * classification of failures, the worker that claims items from the store's outbox, and the
 * SharePoint requests of the return channel (RemoteFiles), under the same policies as uploads.
 * Does not own: finding files or hashing them first (intake), the item lifecycle and its
 * events (src/shared, written through the store), or showing anything (the feed and the UI).
 */
export { startDelivery } from './delivery.ts';
export type { DownloadAnswer, RemoteFile, RemoteFiles } from './remote-files.ts';
export type { DeltaPage } from './graph/delta-page.ts';
export { storedDelayMs } from './resilience/index.ts';
export type { Delivery, DeliveryOptions } from './delivery.ts';
export type { ConnectionState } from './worker/connection-status.ts';
export type { DeliveryPauseState } from './worker/pause-state.ts';
export type { ConnectionTestReport, ConnectionTestStep } from './connection-test.ts';
export { DeliveryError, parseRetryAfterMs } from './errors.ts';
export type { DeliveryErrorKind } from './errors.ts';
export { renderColumnTemplate } from './column-template.ts';
export { sitedropUserAgent } from './graph/http-transport.ts';
export { signInRequiredCode } from './errors.ts';
export type { DelegatedTokens } from './graph/delegated-token-provider.ts';
export { HttpTransport } from './graph/http-transport.ts';
export {
  msalAuthOptions,
  msalLoggerOptions,
  secretStoreCachePlugin,
  signInTimeoutMs,
  TransportNetworkClient,
} from './graph/msal-parts.ts';

/**
 * The agent's events: what the event log stores, the bus carries and the feed sends.
 *
 * Persisted events (everything here but `item.progress`) are appended to the event log in the
 * same transaction as the change they describe, and carry the log's sequence number. Each
 * item event names the state the item is in afterwards (see `itemStateAfterEvent`), so a
 * client can keep its view current from events alone.
 */
import { z } from 'zod';
import type { ItemState } from './item-state.ts';

const itemId = z.number().int().positive();
const responseId = z.number().int().positive();
const errorFields = {
  errorCode: z.string(),
  errorMessage: z.string(),
};

/** Why delivery waits for SharePoint before it sends anything more. */
export const sharePointWaitReasons = ['throttled', 'unavailable', 'breaker-open'] as const;

/**
 * Delivery waits for SharePoint: it asked SiteDrop to hold off (`throttled`: 429 with
 * Retry-After; `unavailable`: 503 with Retry-After), or it failed repeatedly and the circuit
 * breaker is open (`breaker-open`). `nextTryAt` (epoch ms) is when delivery sends again.
 */
export const SharePointWaitSchema = z.object({
  reason: z.enum(sharePointWaitReasons),
  nextTryAt: z.number(),
});

/** Why and until when delivery waits for SharePoint. */
export type SharePointWait = z.infer<typeof SharePointWaitSchema>;

/** The data schema of every event type. */
export const eventDataSchemas = {
  'item.queued': z.object({
    itemId,
    folderId: z.string(),
    path: z.string(),
    sizeBytes: z.number().int().nonnegative(),
    reason: z.enum(['new', 'changed', 'caught-up', 'retry', 'restarted']),
  }),
  'item.uploading': z.object({ itemId, attempt: z.number().int().positive() }),
  'item.verifying': z.object({ itemId }),
  'item.delivered': z.object({
    itemId,
    remoteUrl: z.string(),
    isModifiedByServer: z.boolean(),
    /**
     * How the delivery was verified when not by size and quickXorHash both (SharePoint gave no
     * hash): a sentence for people. Absent for a delivery verified in full.
     */
    verificationNote: z.string().optional(),
  }),
  'item.retrying': z.object({ itemId, nextAttemptAt: z.number(), ...errorFields }),
  'item.failed': z.object({ itemId, ...errorFields }),
  /**
   * The file was set aside: moved to `quarantinePath` with its note at `notePath`, which lists
   * `problems`, one sentence each. `notePath` and `problems` are absent from events logged before
   * they were added: the note is then `quarantinePath` + `.error.txt`.
   */
  'item.quarantined': z.object({
    itemId,
    reason: z.string(),
    quarantinePath: z.string(),
    notePath: z.string().optional(),
    problems: z.array(z.string()).optional(),
  }),
  'item.skipped': z.object({ itemId, duplicateOfItemId: itemId }),
  'item.gone': z.object({ itemId }),
  'item.cancelled': z.object({ itemId }),
  'item.progress': z.object({
    itemId,
    sentBytes: z.number().int().nonnegative(),
    totalBytes: z.number().int().nonnegative(),
  }),
  /**
   * After a confirmed delivery, the folder's after-upload action moved the local file to the
   * archive. Not a state change: the item stays delivered. `path` is relative to the watched
   * folder, `archivePath` is where the file is now.
   */
  'item.archived': z.object({ itemId, path: z.string(), archivePath: z.string() }),
  /** After a confirmed delivery, the folder's after-upload action deleted the local file. */
  'item.local-deleted': z.object({ itemId, path: z.string() }),
  /**
   * A remote file version in a mapped responses folder was recorded in the inbox, before any
   * download (docs/responses.md). `mappingId` is the watched folder whose mapping saw it.
   */
  'response.detected': z.object({
    responseId,
    mappingId: z.string(),
    remoteItemId: z.string(),
    name: z.string(),
    sizeBytes: z.number().int().nonnegative().nullable(),
  }),
  /** A response's download started or resumed at `offsetBytes`. */
  'response.downloading': z.object({ responseId, offsetBytes: z.number().int().nonnegative() }),
  /** A response's bytes are all here and are being checked. */
  'response.verifying': z.object({ responseId }),
  /**
   * A response is in the local responses folder under `localPath`, checked. `requestId` names the
   * request it answers, when one is known.
   */
  'response.ready': z.object({
    responseId,
    localPath: z.string(),
    sizeBytes: z.number().int().nonnegative(),
    requestId: z.string().nullable(),
    verificationNote: z.string().optional(),
  }),
  /** A response needs a person: the sentence says why and what to do. */
  'response.failed': z.object({ responseId, ...errorFields }),
  /** A response will not be brought: deleted remotely, superseded, or its content already here. */
  'response.skipped': z.object({
    responseId,
    reason: z.enum(['deleted', 'superseded', 'unchanged']),
  }),
  'folder.available': z.object({ folderId: z.string(), path: z.string() }),
  'folder.unavailable': z.object({ folderId: z.string(), path: z.string(), reason: z.string() }),
  'connection.changed': z.object({
    /**
     * Why delivery waits for SharePoint, and when it tries next; null when it does not wait.
     * Optional: events logged before it was added, and by an agent that does not know it, lack it.
     */
    waitingFor: SharePointWaitSchema.nullable().optional(),
    /**
     * The connection's status after the change, as the snapshot's `connection.status` says it.
     * Optional: events logged by versions before it was added lack it (a client then asks for
     * a snapshot).
     */
    status: z.enum(['ready', 'not-configured', 'paused-by-breaker', 'auth-failed']).optional(),
    breaker: z.enum(['closed', 'open', 'half-open']),
    nextProbeAt: z.number().nullable(),
    detail: z.string(),
  }),
  'delivery.paused': z.object({ folderId: z.string().nullable() }),
  'delivery.resumed': z.object({ folderId: z.string().nullable() }),
  'agent.started': z.object({ version: z.string(), pid: z.number().int() }),
  'agent.stopped': z.object({ reason: z.string() }),
  'database.recovered': z.object({ movedTo: z.string(), reason: z.string() }),
  'settings.changed': z.object({ fields: z.array(z.string()) }),
  /** A person signed in (delegated sign-in): who, as the ID token names them. */
  'account.signed-in': z.object({
    username: z.string(),
    name: z.string().nullable(),
    tenantId: z.string(),
  }),
  'account.signed-out': z.object({ username: z.string().nullable() }),
  /** The sign-in service refused the stored sign-in (invalid_grant): someone must sign in again. */
  'account.sign-in-required': z.object({ username: z.string().nullable(), detail: z.string() }),
  /** A sign-in that was started ended without signing anyone in (cancelled, timed out, refused). */
  'account.sign-in-failed': z.object({
    method: z.enum(['browser', 'deviceCode']),
    reason: z.string(),
  }),
} as const;

/** Every event type, e.g. `item.delivered`. */
export type EventType = keyof typeof eventDataSchemas;

/** The data an event of type T carries. */
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

/** An event before it is logged: its type and data. */
export type AgentEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

/** Events that are never written to the log (high-rate, superseded by the next one). */
export const transientEventTypes: readonly EventType[] = ['item.progress'];

/** An event as the log holds it: with its sequence number and time (epoch ms). */
export type LoggedEvent = AgentEvent & { seq: number; at: number };

const eventTypes = Object.keys(eventDataSchemas) as EventType[];

/** The runtime schema of a logged event, for boundaries that receive events (feed clients). */
export const LoggedEventSchema = z.discriminatedUnion(
  'type',
  eventTypes.map((type) =>
    z.object({
      type: z.literal(type),
      seq: z.number().int().nonnegative(),
      at: z.number(),
      data: eventDataSchemas[type],
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** The state an item is in after an event of this type, or undefined for non-state events. */
export function itemStateAfterEvent(type: EventType): ItemState | undefined {
  const entry = Object.entries(eventTypeByState).find(([, eventType]) => eventType === type);
  return entry?.[0] as ItemState | undefined;
}

/** For each item state, the event type that records entering it. */
export const eventTypeByState = {
  queued: 'item.queued',
  uploading: 'item.uploading',
  verifying: 'item.verifying',
  delivered: 'item.delivered',
  retrying: 'item.retrying',
  failed: 'item.failed',
  quarantined: 'item.quarantined',
  skipped: 'item.skipped',
  gone: 'item.gone',
  cancelled: 'item.cancelled',
} as const satisfies Partial<Record<ItemState, EventType>>;

/** A state that an item can be moved into (every state but the transient `detected`). */
export type TargetItemState = keyof typeof eventTypeByState;

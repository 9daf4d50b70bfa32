/**
 * The feed protocol's views: what the agent shows of items, folders, the connection, delivery,
 * settings and status, as runtime schemas with their inferred types. Re-exported by
 * src/shared/feed-protocol.ts, which is where the UI and the agent import them from.
 */
import { z } from 'zod';
import { ConfigSchema } from '../config-schema.ts';
import { ItemStateSchema, itemStates } from '../item-state.ts';
import { SharePointWaitSchema } from '../events.ts';
import { ResponseStateSchema } from '../response-state.ts';
import {
  epochMsSchema as epochMs,
  itemIdSchema as itemId,
  nonNegativeIntSchema as nonNegativeInt,
} from './primitives.ts';

/** The most items one listItems page holds. */
export const feedMaxPageSize = 500;

/** How many items are in each state; every state is present, zeros included. */
export const StateCountsSchema = z.record(ItemStateSchema, nonNegativeInt);

/** Item counts by state. */
export type StateCounts = z.infer<typeof StateCountsSchema>;

/** Counts with every state at zero. */
export function emptyStateCounts(): StateCounts {
  return Object.fromEntries(itemStates.map((state) => [state, 0])) as StateCounts;
}

/**
 * One item as the UI shows it. The upload-session URL (a bearer capability) is never part of it.
 *
 * Times are epoch milliseconds; `path` is '/'-separated, relative to the watched folder.
 */
export const ItemViewSchema = z.object({
  id: itemId,
  folderId: z.string(),
  path: z.string(),
  state: ItemStateSchema,
  sizeBytes: nonNegativeInt,
  sha256: z.string().nullable(),
  quickXorHash: z.string().nullable(),
  /** The file's web URL in SharePoint, once delivered. */
  remoteUrl: z.string().nullable(),
  /**
   * How a delivered file was verified when not by size and quickXorHash both (SharePoint gave no
   * hash), as a sentence: "Size checked; SharePoint gave no hash". Null or absent otherwise.
   */
  verificationNote: z.string().nullable().optional(),
  errorCode: z.string().nullable(),
  /** A sentence for people: what happened and what happens next. */
  errorMessage: z.string().nullable(),
  attempts: nonNegativeInt,
  /** When a retrying item is tried again. */
  nextAttemptAt: epochMs.nullable(),
  /** Validated request metadata, for JSON request files. */
  request: z.record(z.string(), z.unknown()).nullable(),
  /** The path under the library where the file goes. */
  targetPath: z.string().nullable(),
  /** For a skipped duplicate: the item that already delivered this content. */
  duplicateOfItemId: itemId.nullable(),
  firstQueuedAt: epochMs,
  createdAt: epochMs,
  updatedAt: epochMs,
});

/** One item as the UI shows it. */
export type ItemView = z.infer<typeof ItemViewSchema>;

/**
 * Where a set-aside file and its note are, and what the note lists. Paths are absolute paths on
 * the agent's computer, as it reported them when it set the file aside.
 */
export const SetAsideViewSchema = z.object({
  /** The file, moved into the folder's set-aside folder. */
  filePath: z.string(),
  /** Its note beside it (`<name>.error.txt`). */
  notePath: z.string(),
  /** Each problem the note lists, one sentence each (empty when the agent did not record them). */
  problems: z.array(z.string()),
});

/** Where a set-aside file and its note are, and what the note lists. */
export type SetAsideView = z.infer<typeof SetAsideViewSchema>;

/** One upload attempt of an item. */
export const AttemptViewSchema = z.object({
  id: z.number().int().positive(),
  startedAt: epochMs,
  endedAt: epochMs.nullable(),
  outcome: z.string().nullable(),
  httpStatus: z.number().int().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
});

/** One upload attempt of an item. */
export type AttemptView = z.infer<typeof AttemptViewSchema>;

/** Whether a watched folder can be read; `unknown` until intake has looked. */
export const FolderHealthSchema = z.object({
  status: z.enum(['available', 'unavailable', 'unknown']),
  /** Why it is unavailable, for people. */
  reason: z.string().nullable(),
  /** When the status last changed, or null when unknown. */
  changedAt: epochMs.nullable(),
});

/** Whether a watched folder can be read. */
export type FolderHealth = z.infer<typeof FolderHealthSchema>;

/** One watched folder with its health and item counts. */
export const FolderViewSchema = z.object({
  id: z.string(),
  path: z.string(),
  label: z.string().nullable(),
  health: FolderHealthSchema,
  isPaused: z.boolean(),
  counts: StateCountsSchema,
});

/** One watched folder with its health and item counts. */
export type FolderView = z.infer<typeof FolderViewSchema>;

/** The SharePoint connection as delivery sees it. */
export const ConnectionViewSchema = z.object({
  /** Whether site URL, tenant and client id are set (the secret is checked by testConnection). */
  isConfigured: z.boolean(),
  /**
   * ready; not-configured (no tenant or credential); paused-by-breaker (SharePoint failed
   * repeatedly, waiting for nextProbeAt); auth-failed (sign-in refused: fix the credential);
   * unknown (delivery has not reported yet).
   */
  status: z.enum(['ready', 'not-configured', 'paused-by-breaker', 'auth-failed', 'unknown']),
  /** The circuit breaker: closed (normal), open (waiting to probe), half-open (probing). */
  breaker: z.enum(['closed', 'open', 'half-open']),
  /** When an open breaker next probes SharePoint. */
  nextProbeAt: epochMs.nullable(),
  /** A sentence for people about the connection. */
  detail: z.string(),
  /** When the breaker last changed, or null when it has not since the agent started. */
  changedAt: epochMs.nullable(),
  /**
   * Why delivery waits for SharePoint (a Retry-After, the open breaker) and when it sends again;
   * null or absent when it does not wait. A client compares `nextTryAt` with its clock: once it
   * has passed, delivery is trying again.
   */
  waitingFor: SharePointWaitSchema.nullable().optional(),
});

/** The SharePoint connection as delivery sees it. */
export type ConnectionView = z.infer<typeof ConnectionViewSchema>;

/** Whether delivery is paused, for everything or for some folders. */
export const DeliveryViewSchema = z.object({
  /** Paused for every folder. */
  isPaused: z.boolean(),
  /** Folders paused one by one (besides a global pause). */
  pausedFolderIds: z.array(z.string()),
});

/** Whether delivery is paused, for everything or for some folders. */
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

/**
 * Everything a UI needs to draw its screens, taken in one read transaction, and the event
 * sequence number it reflects: apply only events with a larger `seq` on top of it.
 */
export const SnapshotSchema = z.object({
  /** The last logged event this snapshot includes. */
  seq: nonNegativeInt,
  takenAt: epochMs,
  counts: StateCountsSchema,
  folders: z.array(FolderViewSchema),
  connection: ConnectionViewSchema,
  delivery: DeliveryViewSchema,
  /** The most recent items, newest first. */
  items: z.array(ItemViewSchema),
  /** Pass as `beforeId` to listItems for the next page; null when there is none. */
  nextCursor: itemId.nullable(),
});

/** A consistent picture of the agent and the event seq it reflects. */
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** Filters of listItems; items come newest first. */
export const ItemFilterSchema = z.object({
  /** Only items in one of these states. */
  states: z.array(ItemStateSchema).max(itemStates.length).optional(),
  folderId: z.string().max(100).optional(),
  /** Part of the path or of a text in the request metadata, in any case (`item-search.ts`). */
  search: z.string().max(200).optional(),
  /** The page cursor: only items with a smaller id (a previous page's nextCursor). */
  beforeId: itemId.optional(),
  /** Page size, 1 to 500; default 100. */
  limit: z.number().int().min(1).max(feedMaxPageSize).optional(),
});

/** Filters of listItems. */
export type ItemFilterParams = z.infer<typeof ItemFilterSchema>;

/** A secret's presence: its value never leaves the agent. */
const SecretPresenceSchema = z.object({ isSet: z.boolean() });

/** What the settings screen shows. */
export const SettingsViewSchema = z.object({
  /** The effective configuration (defaults < user config < policy). */
  config: ConfigSchema,
  /** What the user config file itself holds (the layer saveSettings edits). */
  userConfig: z.record(z.string(), z.unknown()),
  /** Dotted field paths set by the managed policy: show them read-only. */
  lockedFields: z.array(z.string()),
  /** Why locked fields are locked, for people. */
  lockedReason: z.string(),
  /** The user config file the settings are saved to. */
  configPath: z.string(),
  secrets: z.object({
    clientSecret: SecretPresenceSchema,
    certificateKey: SecretPresenceSchema,
  }),
  /** Where secrets are kept, for people. */
  secretStorage: z.string(),
});

/** What the settings screen shows. */
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/**
 * One step of "Test connection", in order: configuration, credential, token, site, then each
 * library and target folder, then write permission. The first failure skips the rest.
 */
export const ConnectionTestStepSchema = z.object({
  name: z.enum(['configuration', 'credential', 'token', 'site', 'library', 'folder', 'write']),
  status: z.enum(['ok', 'failed', 'skipped']),
  /** What was checked and found, or what is wrong and how to fix it, for people. */
  detail: z.string(),
  /** The stable code of the failure, when it failed. */
  code: z.string().optional(),
});

/** The outcome of "Test connection". */
export const ConnectionTestResultSchema = z.object({
  isOk: z.boolean(),
  steps: z.array(ConnectionTestStepSchema),
});

/** The outcome of "Test connection". */
export type ConnectionTestResult = z.infer<typeof ConnectionTestResultSchema>;

/** Who is signed in (delegated sign-in), as the ID token names them. */
export const AccountViewSchema = z.object({
  /** The sign-in name (UPN), e.g. dana@contoso.com. */
  username: z.string(),
  name: z.string().nullable(),
  tenantId: z.string(),
});

/** Who is signed in. */
export type AccountView = z.infer<typeof AccountViewSchema>;

/** A sign-in just started: the device code to show, or the sign-in page opened (or to open). */
export const SignInStartedSchema = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('browser'),
    /** The sign-in page; a page that could not be opened by the agent opens it itself. */
    authorizeUrl: z.string(),
    /** Whether the agent's host opened the system browser on it. */
    isBrowserOpened: z.boolean(),
  }),
  z.object({
    method: z.literal('deviceCode'),
    /** msal's sentence, to show as it is: where to go and which code to enter. */
    message: z.string(),
    userCode: z.string(),
    verificationUri: z.string(),
    /** When the code stops working (epoch ms). */
    expiresAt: z.number(),
  }),
]);

/** A sign-in just started. */
export type SignInStarted = z.infer<typeof SignInStartedSchema>;

/** A response as `sitedrop status --json`, `sitedrop responses --json` and /api/status show it. */
export const StatusResponseSchema = z.object({
  id: z.number().int().positive(),
  request_id: z.string().nullable(),
  name: z.string(),
  remotePath: z.string().nullable(),
  localPath: z.string().nullable(),
  state: ResponseStateSchema,
  size: nonNegativeInt.nullable(),
  quickXorHash: z.string().nullable(),
  error: z.string().nullable(),
});

/** The shape of `sitedrop status --json` and `GET /api/status` (docs/feed.md, "HTTP API"). */
export const StatusReportSchema = z.object({
  counts: StateCountsSchema,
  /** Who is signed in (null: nobody); absent from agents without delegated sign-in. */
  account: AccountViewSchema.nullable().optional(),
  items: z.array(
    z.object({
      id: itemId,
      folder: z.string(),
      path: z.string(),
      state: ItemStateSchema,
      size: nonNegativeInt,
      sha256: z.string().nullable(),
      quickXorHash: z.string().nullable(),
      remoteUrl: z.string().nullable(),
      error: z.string().nullable(),
      /** How a delivered file was verified when SharePoint gave no hash; null otherwise. */
      verificationNote: z.string().nullable().optional(),
    }),
  ),
  /**
   * The newest responses brought back (docs/responses.md). Optional: an agent from before the
   * return channel reports none, and a client that does not know the field ignores it.
   */
  responses: z.array(StatusResponseSchema).optional(),
});

/** The shape of `sitedrop status --json`. */
export type StatusReport = z.infer<typeof StatusReportSchema>;

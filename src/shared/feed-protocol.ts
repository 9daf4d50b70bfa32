/**
 * The feed protocol: every message between the agent's local feed and a UI, typed once.
 *
 * Transport: one WebSocket at `ws://127.0.0.1:PORT/feed` (text frames, one JSON message each)
 * and the same commands over HTTP under `/api/` (docs/feed.md). Client and server messages are
 * separate discriminated unions on `type`; every message carries `v`, the protocol version.
 * Requests carry an `id` that their reply (`result` or `error`) echoes. Both ends parse every
 * frame they receive with these schemas; nothing else parses protocol data (STYLE.md §4).
 *
 * Stability: within a version, fields and message types are only ever added. A client must
 * ignore fields it does not know; a change that would break that bumps the version. Version 2 is
 * version 1 plus `events` (the logged events of one turn in one frame, issue 7): an old client
 * would skip that frame and miss its events, so the server sends it only to a client that
 * offered `sitedrop.v2`, and still speaks version 1 (one `event` per frame) to one that did not.
 */
import { z } from 'zod';
import { ConfigSchema } from './config-schema.ts';
import { LoggedEventSchema as AnyLoggedEventSchema, type LoggedEvent } from './events.ts';
import { ItemStateSchema, itemStates } from './item-state.ts';

/** The protocol versions this agent speaks, oldest first. */
export const feedProtocolVersions = [1, 2] as const;

/** A protocol version: every message on a connection carries its connection's in `v`. */
export type FeedProtocolVersion = (typeof feedProtocolVersions)[number];

/** The newest protocol version, which this build's UI speaks. */
export const feedProtocolVersion = 2;

/** The WebSocket subprotocol of a protocol version (`sitedrop.v<version>`). */
export function feedSubprotocolOf(version: FeedProtocolVersion): string {
  return `sitedrop.v${version}`;
}

/**
 * The WebSocket subprotocol a current client offers; the server selects the newest version a
 * client offered.
 */
export const feedSubprotocol = feedSubprotocolOf(feedProtocolVersion);

/**
 * Prefix of the second subprotocol that carries the token (`token.<token>`), because a browser
 * cannot set headers on a WebSocket. The server never selects or echoes it.
 */
export const feedTokenSubprotocolPrefix = 'token.';

/** The WebSocket's path on the agent's port. */
export const feedPath = '/feed';

/** The largest frame the server accepts from a client, in bytes; larger frames close with 1009. */
export const feedMaxClientFrameBytes = 64 * 1024;

/** The most items one listItems page holds. */
export const feedMaxPageSize = 500;

/**
 * WebSocket close codes the server uses (beyond the standard 1001 going away, 1008 policy
 * violation and 1009 frame too big).
 */
export const feedCloseCodes = {
  /** The agent is stopping: reconnect later with `lastSeq`. */
  goingAway: 1001,
  /** The client did not read fast enough: reconnect with `lastSeq` to catch up from the log. */
  tooSlow: 4001,
} as const;

const version = z.union([z.literal(1), z.literal(2)]);
const itemId = z.number().int().positive();
const epochMs = z.number();
const nonNegativeInt = z.number().int().nonnegative();

/** A logged event (src/shared/events.ts), typed as the union of every event type. */
const LoggedEventSchema = AnyLoggedEventSchema as unknown as z.ZodType<LoggedEvent>;

/** A request id chosen by the client, echoed in the reply: 1 to 64 characters. */
export const RequestIdSchema = z.string().min(1).max(64);

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
  /** Matched, case-insensitively for ASCII, against the path and the request metadata. */
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

/** The shape of `sitedrop status --json` and `GET /api/status` (DESIGN.md, "Interfaces"). */
export const StatusReportSchema = z.object({
  counts: StateCountsSchema,
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
});

/** The shape of `sitedrop status --json`. */
export type StatusReport = z.infer<typeof StatusReportSchema>;

const folderScope = {
  /** One folder, or null for all delivery. */
  folderId: z.string().max(100).nullable(),
};

const secretValue = z.string().min(1).max(16_384).nullable();
const noParams = z.object({});
const itemResult = z.object({ item: ItemViewSchema });
const deliveryResult = z.object({ delivery: DeliveryViewSchema });

/**
 * The command table: every command a client can send, by its `type`, with the schema of its
 * parameters and of its result. The client message union, the result messages and the exported
 * per-command schemas are all derived from it, so a new command is one entry here (and its
 * handler in the feed). A client message is `{ type, v, id, ...params }`.
 */
export const feedCommandTable = {
  /** Puts a failed or cancelled item back in the queue. */
  retryItem: { params: z.object({ itemId }), result: itemResult },
  /** Puts every failed item back in the queue. */
  retryAllFailed: { params: noParams, result: z.object({ itemIds: z.array(itemId) }) },
  /** Cancels an item that is not delivered yet. */
  cancelItem: { params: z.object({ itemId }), result: itemResult },
  /** Stops starting new uploads for a folder, or for all (folderId null). */
  pauseDelivery: { params: z.object(folderScope), result: deliveryResult },
  /** Undoes pauseDelivery. */
  resumeDelivery: { params: z.object(folderScope), result: deliveryResult },
  /** Checks each step to SharePoint with the current settings. */
  testConnection: { params: noParams, result: ConnectionTestResultSchema },
  /** Reads the settings, which fields are locked and which secrets are set. */
  getSettings: { params: noParams, result: SettingsViewSchema },
  /**
   * Changes the user config file with a JSON merge patch (RFC 7396: objects merge, `null`
   * removes a field so its default applies, arrays and values replace), and sets (a string)
   * or removes (null) secrets. Validated with the config schema; policy-locked fields are
   * refused. Takes effect without a restart, except the fields listed in the result.
   */
  saveSettings: {
    params: z.object({
      config: z.record(z.string(), z.unknown()).optional(),
      secrets: z
        .object({ clientSecret: secretValue.optional(), certificateKey: secretValue.optional() })
        .optional(),
    }),
    result: z.object({
      settings: SettingsViewSchema,
      /** Dotted paths of the fields that changed. */
      changedFields: z.array(z.string()),
      /** Changed fields that take effect only after the agent restarts (e.g. feed.port). */
      restartRequiredFields: z.array(z.string()),
    }),
  },
  /** A page of items, newest first. */
  listItems: {
    params: z.object({ filter: ItemFilterSchema.optional() }),
    result: z.object({ items: z.array(ItemViewSchema), nextCursor: itemId.nullable() }),
  },
  /** One item with its attempts and its events. */
  getItem: {
    params: z.object({ itemId }),
    result: z.object({
      item: ItemViewSchema,
      attempts: z.array(AttemptViewSchema),
      /** The item's logged events, oldest first (at most the latest 500). */
      events: z.array(LoggedEventSchema),
    }),
  },
  /** A fresh snapshot (e.g. after settings changed the folders). */
  getSnapshot: { params: noParams, result: z.object({ snapshot: SnapshotSchema }) },
  /** Counts and recent items, as `sitedrop status --json`. */
  getStatus: { params: noParams, result: StatusReportSchema },
} as const satisfies Record<string, { params: z.ZodObject; result: z.ZodType }>;

type CommandTable = typeof feedCommandTable;

/** Every command a client can send. */
export type CommandType = keyof CommandTable;

/** Every command type, in a stable order. */
export const commandTypes = Object.keys(feedCommandTable) as CommandType[];

/** The parameter schema of each command, keyed by its `type` (from the command table). */
export const commandParamSchemas = Object.fromEntries(
  commandTypes.map((command) => [command, feedCommandTable[command].params]),
) as { [C in CommandType]: CommandTable[C]['params'] };

/** The result schema of each command, keyed by its `type` (from the command table). */
export const commandResultSchemas = Object.fromEntries(
  commandTypes.map((command) => [command, feedCommandTable[command].result]),
) as { [C in CommandType]: CommandTable[C]['result'] };

/** The parameters of command C. */
export type CommandParams<C extends CommandType> = z.infer<CommandTable[C]['params']>;

/** The result of command C. */
export type CommandResult<C extends CommandType> = z.infer<CommandTable[C]['result']>;

/** The schema of command C's client message: its parameters plus `type`, `v` and `id`. */
type CommandMessageSchema<C extends CommandType> =
  CommandTable[C]['params'] extends z.ZodObject<infer Shape extends z.core.$ZodShape>
    ? z.ZodObject<
        z.core.util.Extend<
          Shape,
          { type: z.ZodLiteral<C>; v: typeof version; id: typeof RequestIdSchema }
        >
      >
    : never;

/** The schema of command C's result message. */
type ResultMessageSchema<C extends CommandType> = z.ZodObject<{
  type: z.ZodLiteral<'result'>;
  v: typeof version;
  id: typeof RequestIdSchema;
  command: z.ZodLiteral<C>;
  result: CommandTable[C]['result'];
}>;

/** One schema per command, in the table's order, as the non-empty list zod's unions take. */
function schemaPerCommand<S>(schemaOf: (command: CommandType) => S): [S, ...S[]] {
  return commandTypes.map(schemaOf) as [S, ...S[]];
}

/** Every message a client may send: one command each. */
export const ClientMessageSchema = z.discriminatedUnion(
  'type',
  schemaPerCommand(
    (command) =>
      feedCommandTable[command].params.extend({
        type: z.literal(command),
        v: version,
        id: RequestIdSchema,
      }) as unknown as { [C in CommandType]: CommandMessageSchema<C> }[CommandType],
  ),
);

/** A message a client sends. */
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

/** The client message of command C. */
export type CommandMessage<C extends CommandType> = Extract<ClientMessage, { type: C }>;

/** Every result message: a command's reply, its `result` checked against that command's schema. */
const ResultMessageSchema = z.discriminatedUnion(
  'command',
  schemaPerCommand(
    (command) =>
      z.object({
        type: z.literal('result'),
        v: version,
        id: RequestIdSchema,
        command: z.literal(command),
        result: feedCommandTable[command].result,
      }) as unknown as { [C in CommandType]: ResultMessageSchema<C> }[CommandType],
  ),
);

/**
 * The first message on every connection: who the server is and how it will bring the client
 * up to date. With `sync.mode` `events`, the logged events `fromSeq+1 … toSeq` follow (then live
 * ones); with `snapshot`, a `snapshot` message follows.
 */
export const HelloMessageSchema = z.object({
  type: z.literal('hello'),
  v: version,
  server: z.object({ name: z.literal('sitedrop'), version: z.string(), pid: z.number().int() }),
  /**
   * Identifies this event log. Sequence numbers are only comparable within one log: a client
   * whose stored logId differs (the database was replaced) must take the snapshot.
   */
  logId: z.string(),
  /** The last logged event when the client connected. */
  seq: nonNegativeInt,
  sync: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('snapshot') }),
    z.object({ mode: z.literal('events'), fromSeq: nonNegativeInt, toSeq: nonNegativeInt }),
  ]),
  /** Commands this agent can run now; others answer `command.unavailable`. */
  availableCommands: z.array(z.enum(commandTypes as [CommandType, ...CommandType[]])),
  limits: z.object({
    maxClientFrameBytes: z.number().int().positive(),
    maxReplayEvents: z.number().int().nonnegative(),
  }),
});

/** The first message on every connection. */
export type HelloMessage = z.infer<typeof HelloMessageSchema>;

/** A stable error code and a sentence that names the field or item and the fix. */
export const ErrorMessageSchema = z.object({
  type: z.literal('error'),
  v: version,
  /** The failed request's id; null when the frame could not be read as a request. */
  id: RequestIdSchema.nullable(),
  code: z.string(),
  message: z.string(),
  /** For `settings.invalid`: every problem, by field. */
  problems: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** An error reply. */
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;

/** Every message the server sends. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  HelloMessageSchema,
  z.object({ type: z.literal('snapshot'), v: version, snapshot: SnapshotSchema }),
  /** One logged event, in seq order, never dropped. */
  z.object({ type: z.literal('event'), v: version, event: LoggedEventSchema }),
  /**
   * Version 2: logged events with consecutive seqs, in seq order, applied as if each came in its
   * own `event` message. The server frames the events of one turn (a commit) together.
   */
  z.object({ type: z.literal('events'), v: z.literal(2), events: z.array(LoggedEventSchema) }),
  /**
   * Upload progress: transient, not logged, coalesced per item (the latest wins) for a client
   * that lags. Ignore it once the item's next state event arrived.
   */
  z.object({
    type: z.literal('progress'),
    v: version,
    itemId,
    sentBytes: nonNegativeInt,
    totalBytes: nonNegativeInt,
    at: epochMs,
  }),
  ResultMessageSchema,
  ErrorMessageSchema,
]);

/** A message the server sends. */
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** The result message of command C. */
export type ResultMessage<C extends CommandType = CommandType> = Extract<
  ServerMessage,
  { type: 'result'; command: C }
>;

/**
 * Error codes the feed answers with (a message names the field or item and the fix). Commands
 * supplied by delivery, intake or config may answer with their own codes besides these.
 */
export const feedErrorCodes = {
  /** The frame is not JSON, or not a known message: see the message for the field. */
  malformed: 'protocol.malformed',
  /** `v` is not a version this server speaks. */
  unsupportedVersion: 'protocol.unsupported-version',
  /** No such message type. */
  unknownType: 'protocol.unknown-type',
  /** This agent cannot run the command (yet): the capability behind it is not there. */
  unavailable: 'command.unavailable',
  itemNotFound: 'item.not-found',
  /** Only failed or cancelled items can be retried. */
  itemNotRetryable: 'item.not-retryable',
  /** Delivered and finished items cannot be cancelled. */
  itemNotCancellable: 'item.not-cancellable',
  folderNotFound: 'folder.not-found',
  /** The settings do not validate: `problems` lists each field. */
  settingsInvalid: 'settings.invalid',
  /** A field is set by the managed policy and cannot be changed here. */
  settingsLocked: 'settings.locked',
  /** HTTP only: no token, or a wrong one (401). */
  unauthorized: 'auth.unauthorized',
  /** HTTP only: a foreign Host or Origin (403). */
  forbidden: 'request.forbidden',
  notFound: 'request.not-found',
  methodNotAllowed: 'request.method-not-allowed',
  /** The request body is larger than the protocol allows (413). */
  tooLarge: 'request.too-large',
  /** A bug in the agent; the log has the details. */
  internal: 'internal',
} as const;

/**
 * The feed protocol: every message between the agent's local feed and a UI, typed once.
 *
 * Transport: one WebSocket at `ws://127.0.0.1:PORT/feed` (text frames, one JSON message each)
 * and the same commands over HTTP under `/api/` (docs/feed.md). Client and server messages are
 * separate discriminated unions on `type`; every message carries `v`, the protocol version.
 * Requests carry an `id` that their reply (`result` or `error`) echoes. Both ends parse every
 * frame they receive with these schemas; nothing else parses protocol data.
 *
 * This file is the protocol's one public surface: the versions, the command table and the
 * messages are here; the views (feed-protocol/views.ts) and the failures
 * (feed-protocol/command-error.ts) are re-exported from it.
 *
 * Stability: within a version, fields and message types are only ever added. A client must
 * ignore fields it does not know; a change that would break that bumps the version. Version 2 is
 * version 1 plus `events` (the logged events of one turn in one frame): an old client
 * would skip that frame and miss its events, so the server sends it only to a client that
 * offered `sitedrop.v2`, and still speaks version 1 (one `event` per frame) to one that did not.
 * Version 3 adds `responseReady` and the `response.*` and `account.*` events, which older
 * clients are not sent.
 */
import { z } from 'zod';
import { authMethods } from './config-schema.ts';
import type { EventData } from './events.ts';
import { ErrorMessageSchema } from './feed-protocol/command-error.ts';
import {
  epochMsSchema as epochMs,
  itemIdSchema as itemId,
  LoggedEventSchema,
  nonNegativeIntSchema as nonNegativeInt,
  RequestIdSchema,
  versionSchema as version,
} from './feed-protocol/primitives.ts';
import {
  AccountViewSchema,
  AttemptViewSchema,
  ConnectionTestResultSchema,
  DeliveryViewSchema,
  ItemFilterSchema,
  ItemViewSchema,
  SetAsideViewSchema,
  SettingsViewSchema,
  SignInStartedSchema,
  SnapshotSchema,
  StatusReportSchema,
} from './feed-protocol/views.ts';
import { pickerCommandTable } from './feed-protocol/picker.ts';
import {
  feedMaxResponsePageSize,
  ResponseIdSchema,
  ResponseViewSchema,
} from './feed-protocol/response-views.ts';

export * from './feed-protocol/command-error.ts';
export * from './feed-protocol/picker.ts';
export * from './feed-protocol/views.ts';
export * from './feed-protocol/response-views.ts';
export { RequestIdSchema } from './feed-protocol/primitives.ts';

/** The protocol versions this agent speaks, oldest first. */
export const feedProtocolVersions = [1, 2, 3] as const;

/** A protocol version: every message on a connection carries its connection's in `v`. */
export type FeedProtocolVersion = (typeof feedProtocolVersions)[number];

/** The newest protocol version, which this build's UI speaks. */
export const feedProtocolVersion = 3;

/**
 * Event types a client hears only from version 3 on: the return channel's `response.*` and the
 * signed-in person's `account.*`. A client of an older version was written before they existed,
 * so they are left out of its frames (its `seq` still advances past them).
 */
const eventTypePrefixesSinceVersion3 = ['response.', 'account.'] as const;

/** Whether a client speaking `version` is sent logged events of this type. */
export function isEventTypeSentTo(type: string, version: FeedProtocolVersion): boolean {
  return version >= 3 || !eventTypePrefixesSinceVersion3.some((prefix) => type.startsWith(prefix));
}

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
  /**
   * Tries SharePoint again now: ends the waits it asked for (Retry-After) or the open breaker's
   * wait for its probe, and makes every retrying item due at once. `itemIds`: the items made due.
   */
  tryNow: { params: noParams, result: z.object({ itemIds: z.array(itemId) }) },
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
      /**
       * For a set-aside item: where its file and note are and what the note lists; null for any
       * other item. Absent from agents that do not report it.
       */
      setAside: SetAsideViewSchema.nullable().optional(),
    }),
  },
  /** A fresh snapshot (e.g. after settings changed the folders). */
  getSnapshot: { params: noParams, result: z.object({ snapshot: SnapshotSchema }) },
  /** Counts and recent items, as `sitedrop status --json`. */
  getStatus: { params: noParams, result: StatusReportSchema },
  /** Who is signed in (delegated sign-in), and whether someone must sign in again. */
  getAccount: {
    params: noParams,
    result: z.object({
      account: AccountViewSchema.nullable(),
      isSignInRequired: z.boolean(),
      /** Whether a sign-in is under way. */
      isSigningIn: z.boolean(),
      /** Why the last sign-in that was started did not sign anyone in (null: it did, or none). */
      lastSignInFailure: z.string().nullable(),
      /**
       * How the agent signs in now (auth.method): only `delegated` has a person to sign in.
       * Optional: an agent from before it answers without it.
       */
      authMethod: z.enum(authMethods).optional(),
    }),
  },
  /**
   * Starts signing in as a person: `browser` opens the sign-in page in the system browser (the
   * result carries its URL, for a page to open when the agent could not), `deviceCode` answers
   * with the code to enter. The outcome follows as an `account.signed-in` or
   * `account.sign-in-failed` event. A sign-in under way is cancelled first.
   */
  signIn: {
    params: z.object({ method: z.enum(['browser', 'deviceCode']) }),
    result: SignInStartedSchema,
  },
  /** Cancels the sign-in under way. */
  cancelSignIn: { params: noParams, result: z.object({ isCancelled: z.boolean() }) },
  /** Signs the person out: their tokens are forgotten; files wait queued until a new sign-in. */
  signOut: { params: noParams, result: z.object({ account: AccountViewSchema.nullable() }) },
  /** The site, library and folder picker (listSites, listLibraries, listFolders). */
  ...pickerCommandTable,
  /** The newest responses brought back (or on their way, or needing a person), newest first. */
  listResponses: {
    params: z.object({ limit: z.number().int().min(1).max(feedMaxResponsePageSize).optional() }),
    result: z.object({ responses: z.array(ResponseViewSchema) }),
  },
  /** One response and its logged events (its state history), oldest first. */
  getResponse: {
    params: z.object({ responseId: ResponseIdSchema }),
    result: z.object({ response: ResponseViewSchema, events: z.array(LoggedEventSchema) }),
  },
  /**
   * Asks SharePoint for new responses now and brings them; answers once that check ended (a
   * check under way is followed by one more), with the newest responses.
   */
  checkResponsesNow: {
    params: noParams,
    result: z.object({ responses: z.array(ResponseViewSchema) }),
  },
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
/** Version 3's notice that a response arrived: see ServerMessageSchema. */
export const ResponseReadyMessageSchema = z.object({
  type: z.literal('responseReady'),
  v: z.literal(3),
  request_id: z.string().nullable(),
  responseId: z.number().int().positive(),
  path: z.string(),
  size: nonNegativeInt,
});

/** A response arrived (version 3). */
export type ResponseReadyMessage = z.infer<typeof ResponseReadyMessageSchema>;

/** The `responseReady` notice that restates a `response.ready` event. */
export function encodeResponseReady(ready: EventData<'response.ready'>): ResponseReadyMessage {
  return {
    type: 'responseReady',
    v: 3,
    request_id: ready.requestId,
    responseId: ready.responseId,
    path: ready.localPath,
    size: ready.sizeBytes,
  };
}

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
  z.object({
    type: z.literal('events'),
    v: z.union([z.literal(2), z.literal(3)]),
    events: z.array(LoggedEventSchema),
  }),
  /**
   * Version 3: a response is in the local responses folder, checked (sent right after the
   * `response.ready` event it restates). `request_id` names the request it answers, or null for
   * an unlinked response; `path` is the local file; `size` its bytes.
   */
  ResponseReadyMessageSchema,
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

/**
 * The feed protocol's failures: the `error` message, the stable codes the feed answers with, and
 * FeedCommandError, the one exception that stands for a refused command on both sides (the agent's
 * handlers throw it and the feed sends it as an `error` message; the UI's connection turns such a
 * message back into it). Re-exported by src/shared/feed-protocol.ts.
 */
import { z } from 'zod';
import { RequestIdSchema, versionSchema as version } from './primitives.ts';
import { CodedError } from '../coded-error.ts';

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

/** One problem of a refused command, by dotted field path (for `settings.invalid`). */
export type FeedProblem = NonNullable<ErrorMessage['problems']>[number];

/**
 * A command the agent refused: a stable code (feedErrorCodes, or a capability's own), a sentence
 * for people that names the field or item and the fix, and for `settings.invalid` every problem
 * by field (empty otherwise).
 */
export class FeedCommandError extends CodedError {
  /** For `settings.invalid`: every problem, by dotted field path. */
  readonly problems: readonly FeedProblem[];

  constructor(code: string, message: string, problems: readonly FeedProblem[] = []) {
    super(code, message);
    this.problems = problems;
  }
}

/**
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
  responseNotFound: 'response.not-found',
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
  /** Signing in as a person needs auth.method "delegated" and auth.clientId. */
  signInUnavailable: 'sign-in.unavailable',
  /** The sign-in could not start (the sign-in service, the loopback): see the message. */
  signInFailed: 'sign-in.failed',
  /** The signed-in person may not open the site, library or folder (403). */
  pickerAccessDenied: 'picker.access-denied',
  /** The sign-in lacks a Graph permission (scope) the picker needs: admin consent (403). */
  pickerPermissionMissing: 'picker.permission-missing',
  /** The pasted address is not a site's, or no site is there (404). */
  pickerSiteNotFound: 'picker.site-not-found',
  /** Sites cannot be listed yet: no client id, or nobody signed in (409). */
  pickerNotSignedIn: 'picker.not-signed-in',
  /** SharePoint could not answer now (throttled, unavailable, unreachable): try again (503). */
  pickerUnavailable: 'picker.unavailable',
  /** A bug in the agent; the log has the details. */
  internal: 'internal',
} as const;

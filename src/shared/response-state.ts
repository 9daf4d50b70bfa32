/**
 * The response lifecycle, defined once for the agent, the feed and the CLI (docs/responses.md).
 *
 * A response is one version of a file head office put into a mapped SharePoint folder: one
 * remote item id at one content version (cTag). Main path: detected → downloading → verifying →
 * ready. Side exits: failed (needs a person: a hash that stays wrong, a bad remote name, a file
 * above the size cap, a full disk) and skipped (the remote file was deleted, superseded by a newer
 * version before it was brought, or its content is the version already brought).
 */
import { z } from 'zod';

export const responseStates = [
  'detected',
  'downloading',
  'verifying',
  'ready',
  'failed',
  'skipped',
] as const;

export const ResponseStateSchema = z.enum(responseStates);

/** One state of a response's lifecycle. */
export type ResponseState = z.infer<typeof ResponseStateSchema>;

/** States in which a response still waits for, or is in, its download. */
export const pendingResponseStates: readonly ResponseState[] = [
  'detected',
  'downloading',
  'verifying',
];

/** Why a response was skipped. */
export const responseSkipReasons = ['deleted', 'superseded', 'unchanged'] as const;

/** Why a response was skipped: deleted remotely, a newer version came, or nothing new to bring. */
export type ResponseSkipReason = (typeof responseSkipReasons)[number];

/**
 * Which state may follow which. A transition outside this table is a bug, and the store refuses
 * it. A new response enters as detected (or skipped, for a deletion of a file already brought);
 * later versions of the same remote file are new responses, so ready, failed and skipped are
 * final except that a person may try a failed one again (failed → detected).
 *
 * downloading → downloading: a resumed download (after a restart, a dropped connection or an
 * expired URL) records its attempt anew. verifying → downloading: the listed hash differed and
 * the metadata read again names another version, which is brought from its first byte.
 */
export const allowedResponseTransitions: Readonly<Record<ResponseState, readonly ResponseState[]>> =
  {
    detected: ['downloading', 'failed', 'skipped'],
    downloading: ['downloading', 'verifying', 'failed', 'skipped'],
    verifying: ['ready', 'downloading', 'failed', 'skipped'],
    ready: [],
    failed: ['detected', 'skipped'],
    skipped: [],
  };

/** The states a response may be recorded in when it is first written. */
export const initialResponseStates: readonly ResponseState[] = ['detected', 'skipped'];

/** Whether the lifecycle allows moving a response from one state to another. */
export function canTransitionResponse(from: ResponseState, to: ResponseState): boolean {
  return allowedResponseTransitions[from].includes(to);
}

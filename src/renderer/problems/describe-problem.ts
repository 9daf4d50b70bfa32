/**
 * Problems written for people: for an item that did not (yet) arrive, what happened, what
 * SiteDrop will do next, what a person can do, and the one action that helps most. What happened
 * and the advice are chosen by the error code (problem-catalogue.ts); the agent's own message,
 * written for whoever fixes SharePoint (HTTP status, Graph's code, the permission to grant), is
 * kept for the "Details for your admin" part.
 */
import type { ItemView } from '../../shared/feed-protocol.ts';
import { formatTime } from '../format/format.ts';
import { catalogueEntry, type PrimaryAction } from './problem-catalogue.ts';

export type { PrimaryAction } from './problem-catalogue.ts';

/** The parts of a problem, each a sentence. */
export interface ProblemDescription {
  /** A short heading, e.g. "Waiting to try again". */
  title: string;
  whatHappened: string;
  whatNext: string;
  whatYouCanDo: string;
  /** The one action offered first (null: nothing to press, the file itself must change). */
  primaryAction: PrimaryAction | null;
  /** The agent's own sentence, for an admin (codes, HTTP status, what to grant); may be null. */
  detailsForAdmin: string | null;
  /** Whether a person is needed (failed), as opposed to SiteDrop handling it (retrying). */
  needsPerson: boolean;
}

/** The problem of an item, or undefined when it has none (delivered, on its way, skipped). */
export function describeProblem(
  item: Pick<ItemView, 'state' | 'errorCode' | 'errorMessage' | 'nextAttemptAt' | 'attempts'>,
  nowMs: number = Date.now(),
): ProblemDescription | undefined {
  const detailsForAdmin = item.errorMessage ? ensureSentence(item.errorMessage) : null;
  const code = item.errorCode;
  switch (item.state) {
    case 'retrying': {
      const entry = catalogueEntry(code, true);
      return {
        title: 'Waiting to try again',
        whatHappened: entry.whatHappened,
        whatNext:
          item.nextAttemptAt === null
            ? 'SiteDrop will try again shortly.'
            : `SiteDrop will try again at ${formatTime(item.nextAttemptAt, nowMs)}, by itself.`,
        whatYouCanDo: entry.whatYouCanDo,
        primaryAction: entry.action,
        detailsForAdmin,
        needsPerson: false,
      };
    }
    case 'failed': {
      const entry = catalogueEntry(code, false);
      // A passing failure that lasted past the retry period: only Retry starts it again.
      const hasGivenUp = entry.action === 'try-now';
      return {
        title: 'Not delivered: needs a person',
        whatHappened: entry.whatHappened,
        whatNext: hasGivenUp
          ? 'SiteDrop tried for as long as its settings allow and will not try again by itself; the file stays where it is.'
          : 'SiteDrop will not try again by itself; the file stays where it is.',
        whatYouCanDo: hasGivenUp ? 'Press Retry to try again.' : entry.whatYouCanDo,
        primaryAction: hasGivenUp ? 'retry' : entry.action,
        detailsForAdmin,
        needsPerson: true,
      };
    }
    case 'quarantined': {
      const entry = catalogueEntry(code?.startsWith('input.') ? code : 'input.', false);
      return {
        title: 'Set aside: the file cannot be sent as it is',
        whatHappened: entry.whatHappened,
        whatNext:
          'SiteDrop moved it into the folder’s set-aside folder, with a note beside it, and will not send it.',
        whatYouCanDo: entry.whatYouCanDo,
        primaryAction: 'show-note',
        detailsForAdmin,
        needsPerson: true,
      };
    }
    case 'gone':
      return {
        title: 'The file disappeared before it was sent',
        whatHappened:
          'The file was removed or renamed in the watched folder before SiteDrop sent it.',
        whatNext: 'There is nothing to send, so SiteDrop does nothing more.',
        whatYouCanDo: 'If that was not intended, put the file back into the folder.',
        primaryAction: null,
        detailsForAdmin: null,
        needsPerson: false,
      };
    case 'cancelled':
      return {
        title: 'Cancelled',
        whatHappened: 'Someone cancelled the upload of this file.',
        whatNext: 'SiteDrop will not send it.',
        whatYouCanDo: 'Press Retry to send it after all.',
        primaryAction: 'retry',
        detailsForAdmin: null,
        needsPerson: false,
      };
    default:
      return undefined;
  }
}

function ensureSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?"”)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

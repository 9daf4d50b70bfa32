/**
 * Problems written for people: for an item that did not (yet) arrive, what happened,
 * what SiteDrop will do next, and what a person can do. The agent's `errorMessage` is already a
 * sentence naming the cause; this adds the next step and the advice, chosen by state and by the
 * error code's family (docs/feed.md; codes from the delivery and intake capabilities).
 */
import type { ItemView } from '../../shared/feed-protocol.ts';
import { formatTime } from '../format/format.ts';

/** The three parts of a problem, each a sentence. */
export interface ProblemDescription {
  /** A short heading, e.g. "Waiting to try again". */
  title: string;
  whatHappened: string;
  whatNext: string;
  whatYouCanDo: string;
  /** Whether a person is needed (failed), as opposed to SiteDrop handling it (retrying). */
  needsPerson: boolean;
}

/** The problem of an item, or undefined when it has none (delivered, on its way, skipped). */
export function describeProblem(
  item: Pick<ItemView, 'state' | 'errorCode' | 'errorMessage' | 'nextAttemptAt' | 'attempts'>,
  nowMs: number = Date.now(),
): ProblemDescription | undefined {
  const said = item.errorMessage ? ensureSentence(item.errorMessage) : undefined;
  const code = item.errorCode ?? '';
  switch (item.state) {
    case 'retrying':
      return {
        title: 'Waiting to try again',
        whatHappened: said ?? 'The last upload attempt did not succeed.',
        whatNext:
          item.nextAttemptAt === null
            ? 'SiteDrop will try again shortly.'
            : `SiteDrop will try again at ${formatTime(item.nextAttemptAt, nowMs)}, by itself.`,
        whatYouCanDo: adviceWhileRetrying(code),
        needsPerson: false,
      };
    case 'failed':
      return {
        title: 'Not delivered: needs a person',
        whatHappened: said ?? 'SharePoint did not accept this file.',
        whatNext: 'SiteDrop will not try again by itself; the file stays where it is.',
        whatYouCanDo: adviceWhenFailed(code),
        needsPerson: true,
      };
    case 'quarantined':
      return {
        title: 'Set aside: the file cannot be sent as it is',
        whatHappened: said ?? 'The file is not a valid request.',
        whatNext:
          'SiteDrop moved it into the folder’s set-aside folder (named in Settings), with a note ending in .error.txt next to it, and will not send it.',
        whatYouCanDo:
          'Correct the file as the note says and drop it into the watched folder again.',
        needsPerson: true,
      };
    case 'gone':
      return {
        title: 'The file disappeared before it was sent',
        whatHappened:
          'The file was removed or renamed in the watched folder before SiteDrop sent it.',
        whatNext: 'There is nothing to send, so SiteDrop does nothing more.',
        whatYouCanDo: 'If that was not intended, put the file back into the folder.',
        needsPerson: false,
      };
    case 'cancelled':
      return {
        title: 'Cancelled',
        whatHappened: 'Someone cancelled the upload of this file.',
        whatNext: 'SiteDrop will not send it.',
        whatYouCanDo: 'Press Retry to send it after all.',
        needsPerson: false,
      };
    default:
      return undefined;
  }
}

function adviceWhileRetrying(code: string): string {
  if (code === 'graph.throttled') {
    return 'Nothing: SharePoint asked SiteDrop to slow down, and it waits as long as asked.';
  }
  if (code.startsWith('network.')) {
    return 'Nothing for now. If this lasts, check that this computer is online and can reach SharePoint.';
  }
  if (code === 'graph.unavailable' || code === 'graph.server-error') {
    return 'Nothing for now. If it lasts for hours, check the Microsoft 365 service health page.';
  }
  return 'Nothing for now. If it keeps failing, tell your SharePoint admin and mention the code shown below.';
}

function adviceWhenFailed(code: string): string {
  if (code.startsWith('auth.')) {
    return 'Ask an admin to open Settings and press "Test connection" to see what SharePoint refuses; once it is fixed, press Retry.';
  }
  if (code.startsWith('config.')) {
    return 'Ask an admin to correct the SharePoint settings (Settings › Test connection shows what is wrong), then press Retry.';
  }
  if (code === 'graph.forbidden') {
    return 'Ask your SharePoint admin to give the SiteDrop app write access to the library, then press Retry.';
  }
  if (code === 'graph.quota-exceeded') {
    return 'Ask your SharePoint admin to free space or raise the site’s storage quota, then press Retry.';
  }
  if (code === 'graph.conflict') {
    return 'A file with the same name is already there. Rename your file and drop it again, or ask an admin to change the conflict setting; then press Retry.';
  }
  if (code === 'graph.too-large') {
    return 'The file is larger than SharePoint accepts. Split or compress it and drop it again.';
  }
  return 'Press Retry to try again. If it fails again, tell your SharePoint admin and mention the code shown below.';
}

function ensureSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?"”)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

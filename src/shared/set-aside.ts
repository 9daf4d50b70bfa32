/**
 * Where a set-aside file's note is, and what the window, `sitedrop status` and the desktop shell
 * say about a set-aside file: read from the `item.quarantined` event that intake logged when it
 * moved the file, so all three report the same paths.
 */
import type { LoggedEvent } from './events.ts';
import type { SetAsideView } from './feed-protocol/views.ts';

/** The note of a file set aside at `filePath`: beside it, `<name>.error.txt`. */
export function setAsideNotePath(filePath: string): string {
  return `${filePath}.error.txt`;
}

/**
 * Where the file and its note are, and what the note lists, from the latest `item.quarantined`
 * among an item's events; undefined when there is none.
 */
export function setAsideViewOf(events: readonly LoggedEvent[]): SetAsideView | undefined {
  const event = events.findLast((candidate) => candidate.type === 'item.quarantined');
  if (event?.type !== 'item.quarantined') return undefined;
  const { quarantinePath, notePath, problems } = event.data;
  return {
    filePath: quarantinePath,
    notePath: notePath ?? setAsideNotePath(quarantinePath),
    problems: problems ?? [],
  };
}

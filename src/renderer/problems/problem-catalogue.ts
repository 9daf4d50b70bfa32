/**
 * What each of the agent's error codes means to a person at the site office: one plain sentence
 * for "What happened", what they can do, and the one action that helps most. Keyed by the stable
 * codes delivery and intake store with an item (docs/delivery.md, "Errors"; the `input.*` codes
 * of intake's set-aside notes). Settings are named by the labels the Settings screen shows.
 *
 * The agent's own message stays the truth for an admin (HTTP status, Graph's code, which
 * permission to grant): the problem box shows it under "Details for your admin", never as the
 * first sentence. Pure: no DOM.
 */

/** The one action a problem offers first. */
export type PrimaryAction = 'retry' | 'show-note' | 'open-settings' | 'try-now' | 'sign-in';

/** What a code means, for people. */
export interface CatalogueEntry {
  /** One sentence, no codes, no field paths. */
  whatHappened: string;
  /** What a person can do about it, consistent with `action`. */
  whatYouCanDo: string;
  /** The one action offered first: every code has exactly one. */
  action: PrimaryAction;
}

const waitOrTryNow =
  'Nothing: SiteDrop tries again by itself. If you know SharePoint works again, press Try now.';
const fixInSettings = 'Ask an admin to correct it in Settings, then press Retry here.';
const correctAndDropAgain =
  'Correct the file as its note says, then drop it into the watched folder again: SiteDrop sends the corrected file.';

/** Entries by exact code. */
const entries: Readonly<Record<string, CatalogueEntry>> = {
  'graph.throttled': {
    whatHappened: 'SharePoint asked SiteDrop to slow down for a while.',
    whatYouCanDo: 'Nothing: SiteDrop waits as long as SharePoint asked, then goes on by itself.',
    action: 'try-now',
  },
  'graph.unavailable': {
    whatHappened: 'SharePoint is not available at the moment.',
    whatYouCanDo: waitOrTryNow,
    action: 'try-now',
  },
  'graph.server-error': {
    whatHappened: 'SharePoint had a problem of its own while receiving the file.',
    whatYouCanDo: waitOrTryNow,
    action: 'try-now',
  },
  'connection.paused': {
    whatHappened:
      'SharePoint failed several times in a row, so SiteDrop pauses uploads until it recovers.',
    whatYouCanDo: waitOrTryNow,
    action: 'try-now',
  },
  'graph.locked': {
    whatHappened: 'The file in SharePoint is open or locked by someone.',
    whatYouCanDo: 'Nothing: SiteDrop tries again once the file is closed.',
    action: 'try-now',
  },
  'graph.item-busy': {
    whatHappened: 'SharePoint was still busy with the file right after receiving it.',
    whatYouCanDo: 'Nothing: SiteDrop checks it again by itself, without sending it again.',
    action: 'try-now',
  },
  'graph.item-changed': {
    whatHappened: 'The file changed in SharePoint while SiteDrop was finishing its upload.',
    whatYouCanDo: 'Nothing: SiteDrop reads it again and finishes by itself.',
    action: 'try-now',
  },
  'graph.bad-response': {
    whatHappened: 'SharePoint gave an answer SiteDrop could not read.',
    whatYouCanDo: waitOrTryNow,
    action: 'try-now',
  },
  'verify.hash-pending': {
    whatHappened: 'SharePoint has the file but has not yet confirmed what it received.',
    whatYouCanDo: 'Nothing: SiteDrop checks again by itself, without sending the file again.',
    action: 'try-now',
  },
  'network.failed': {
    whatHappened: 'This computer could not reach SharePoint.',
    whatYouCanDo:
      'Check that this computer is online. SiteDrop tries again by itself; press Try now once it is.',
    action: 'try-now',
  },
  'network.timeout': {
    whatHappened: 'SharePoint did not answer in time.',
    whatYouCanDo: waitOrTryNow,
    action: 'try-now',
  },
  'network.response-lost': {
    whatHappened: 'The connection broke before SharePoint confirmed the upload.',
    whatYouCanDo: 'Nothing: SiteDrop looks whether the file arrived before it sends it again.',
    action: 'try-now',
  },
  'network.untrusted-certificate': {
    whatHappened: 'SiteDrop could not confirm that it was talking to the real SharePoint.',
    whatYouCanDo: fixInSettings,
    action: 'open-settings',
  },
  'graph.forbidden': {
    whatHappened: 'SharePoint did not let SiteDrop add files to this library.',
    whatYouCanDo: 'Ask your SharePoint admin to give SiteDrop write access, then press Retry.',
    action: 'retry',
  },
  'graph.conflict': {
    whatHappened:
      'A file with the same name is already in SharePoint, and “When a file with the same name exists” is set to “Do not upload; report it”.',
    whatYouCanDo:
      'Choose “Keep both (add a number)” or “Replace it” for that setting in Settings, or have the file in SharePoint renamed; then press Retry.',
    action: 'open-settings',
  },
  'graph.quota-exceeded': {
    whatHappened: 'The SharePoint site is full: there is no room left for this file.',
    whatYouCanDo: 'Ask your SharePoint admin to free space or enlarge the site, then press Retry.',
    action: 'retry',
  },
  'graph.too-large': {
    whatHappened: 'The file is larger than SharePoint accepts.',
    whatYouCanDo:
      'Split or compress it, and drop the smaller files into the watched folder: they are sent as new files. If your admin raised the limit, press Retry.',
    action: 'retry',
  },
  'graph.name-refused': {
    whatHappened: 'SharePoint does not accept the file’s name.',
    whatYouCanDo: 'Ask an admin to set “Invalid file names” in Settings, then press Retry.',
    action: 'open-settings',
  },
  'graph.not-found': {
    whatHappened: 'The place in SharePoint where the file goes could not be found.',
    whatYouCanDo: fixInSettings,
    action: 'open-settings',
  },
  'graph.foreign-link': {
    whatHappened: 'SharePoint pointed SiteDrop to a place outside your organisation’s SharePoint.',
    whatYouCanDo: 'Press Retry. If it happens again, show the details below to your admin.',
    action: 'retry',
  },
  'graph.bad-request': {
    whatHappened: 'SharePoint refused the upload.',
    whatYouCanDo: 'Press Retry. If it is refused again, show the details below to your admin.',
    action: 'retry',
  },
  'verify.mismatch': {
    whatHappened:
      'The copy in SharePoint did not match the file here, so it does not count as delivered.',
    whatYouCanDo: 'Press Retry to send it again.',
    action: 'retry',
  },
  'config.site-not-found': {
    whatHappened: 'The SharePoint site named in Settings (“Site URL”) could not be found.',
    whatYouCanDo: fixInSettings,
    action: 'open-settings',
  },
  'config.library-not-found': {
    whatHappened: 'The library named in Settings (“Library”) does not exist on the site.',
    whatYouCanDo: fixInSettings,
    action: 'open-settings',
  },
  'config.unknown-column': {
    whatHappened: 'A column of the folder’s column mapping does not exist in the library.',
    whatYouCanDo: fixInSettings,
    action: 'open-settings',
  },
  'auth.aadsts-7000215': {
    whatHappened: 'Microsoft did not accept SiteDrop’s client secret: it is not the right one.',
    whatYouCanDo: 'Ask an admin to enter the current client secret in Settings.',
    action: 'open-settings',
  },
  'auth.aadsts-7000222': {
    whatHappened: 'SiteDrop’s client secret has expired.',
    whatYouCanDo: 'Ask an admin to enter a new client secret in Settings.',
    action: 'open-settings',
  },
  'auth.aadsts-700027': {
    whatHappened: 'Microsoft does not know the certificate SiteDrop signs in with.',
    whatYouCanDo:
      'Ask an admin to register the certificate with the app, or change it in Settings.',
    action: 'open-settings',
  },
  'auth.aadsts-700016': {
    whatHappened: 'The app SiteDrop signs in as is not known in your organisation.',
    whatYouCanDo: 'Ask an admin to check “Tenant” and “Client id” in Settings.',
    action: 'open-settings',
  },
  'auth.no-secret': {
    whatHappened: 'SiteDrop has no client secret to sign in with.',
    whatYouCanDo: 'Ask an admin to enter the client secret in Settings.',
    action: 'open-settings',
  },
  'auth.sign-in-timeout': {
    whatHappened: 'The Microsoft sign-in service did not answer in time.',
    whatYouCanDo: waitOrTryNow,
    action: 'try-now',
  },
  'auth.authority-unreachable': {
    whatHappened: 'SiteDrop could not reach the Microsoft sign-in service.',
    whatYouCanDo: waitOrTryNow,
    action: 'try-now',
  },
  'auth.no-token': {
    whatHappened: 'SiteDrop is not signed in to Microsoft 365.',
    whatYouCanDo: 'Sign in again; SiteDrop then sends the waiting files by itself.',
    action: 'sign-in',
  },
  'auth.sign-in-required': {
    whatHappened: 'SiteDrop’s sign-in to Microsoft 365 has ended, so it cannot send files.',
    whatYouCanDo: 'Sign in again; SiteDrop then sends the waiting files by itself.',
    action: 'sign-in',
  },
  'auth.bad-response': {
    whatHappened: 'The Microsoft sign-in service gave an answer SiteDrop could not read.',
    whatYouCanDo: waitOrTryNow,
    action: 'try-now',
  },
  'auth.sign-in-failed': {
    whatHappened: 'Signing in to Microsoft 365 did not succeed.',
    whatYouCanDo: 'Sign in again; SiteDrop then sends the waiting files by itself.',
    action: 'sign-in',
  },
  'input.invalid-request': {
    whatHappened: 'The request file has mistakes, so SiteDrop set it aside without sending it.',
    whatYouCanDo: correctAndDropAgain,
    action: 'show-note',
  },
  'input.invalid-name': {
    whatHappened:
      'SharePoint does not accept the file’s name, so SiteDrop set it aside without sending it.',
    whatYouCanDo:
      'Rename the file as its note suggests, then drop it into the watched folder again.',
    action: 'show-note',
  },
  'input.path-too-long': {
    whatHappened:
      'The file’s folder path is longer than SharePoint accepts, so SiteDrop set it aside without sending it.',
    whatYouCanDo:
      'Give the file a shorter name or move it to a shorter path, then drop it into the watched folder again.',
    action: 'show-note',
  },
};

/** Entries for a family of codes, by prefix, when no exact code matches. */
const families: readonly { prefix: string; entry: CatalogueEntry }[] = [
  {
    prefix: 'auth.',
    entry: {
      whatHappened: 'Microsoft did not accept SiteDrop’s sign-in.',
      whatYouCanDo:
        'Ask an admin to open Settings and press “Test connection” to see what is refused.',
      action: 'open-settings',
    },
  },
  {
    prefix: 'config.',
    entry: {
      whatHappened: 'The SharePoint settings are incomplete or do not match the site.',
      whatYouCanDo: fixInSettings,
      action: 'open-settings',
    },
  },
  {
    prefix: 'network.',
    entry: {
      whatHappened: 'The connection to SharePoint failed.',
      whatYouCanDo: waitOrTryNow,
      action: 'try-now',
    },
  },
  {
    prefix: 'upload.',
    entry: {
      whatHappened: 'The upload was interrupted and starts again.',
      whatYouCanDo: waitOrTryNow,
      action: 'try-now',
    },
  },
  {
    prefix: 'input.',
    entry: {
      whatHappened: 'The file cannot be sent as it is, so SiteDrop set it aside.',
      whatYouCanDo: correctAndDropAgain,
      action: 'show-note',
    },
  },
];

/** For a code this page does not know, by the state the item is in. */
const unknownWhileRetrying: CatalogueEntry = {
  whatHappened: 'The last attempt to send the file did not succeed.',
  whatYouCanDo: waitOrTryNow,
  action: 'try-now',
};
const unknownWhenFailed: CatalogueEntry = {
  whatHappened: 'SharePoint did not accept this file.',
  whatYouCanDo: 'Press Retry. If it fails again, show the details below to your admin.',
  action: 'retry',
};

/** The entry of a code, else of its family, else the one for an unknown code in that state. */
export function catalogueEntry(code: string | null, isRetrying: boolean): CatalogueEntry {
  if (code !== null) {
    const exact = entries[code];
    if (exact !== undefined) return exact;
    const family = families.find((candidate) => code.startsWith(candidate.prefix));
    if (family !== undefined) return family.entry;
  }
  return isRetrying ? unknownWhileRetrying : unknownWhenFailed;
}

/** Every code with an entry of its own (for the tests that keep the catalogue complete). */
export const catalogueCodes: readonly string[] = Object.keys(entries);

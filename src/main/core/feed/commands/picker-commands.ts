import { CodedError } from '../../../../shared/coded-error.ts';
import {
  FeedCommandError,
  feedErrorCodes,
  type CommandMessage,
  type CommandResult,
  type PickerFolder,
  type PickerLibrary,
  type PickerSite,
} from '../../../../shared/feed-protocol.ts';
import { cannotOpenSiteSentence } from '../../../../shared/site-access.ts';

/** The Graph side of the picker, as delivery supplies it (every list complete). */
export interface FeedSitePicker {
  followedSites(signal: AbortSignal): Promise<PickerSite[]>;
  searchSites(query: string, signal: AbortSignal): Promise<PickerSite[]>;
  siteByUrl(
    url: string,
    signal: AbortSignal,
  ): Promise<{ site: PickerSite; libraryId: string | null }>;
  libraries(siteId: string, signal: AbortSignal): Promise<PickerLibrary[]>;
  folders(
    driveId: string,
    itemId: string | undefined,
    signal: AbortSignal,
  ): Promise<{ folder: PickerFolder; folders: PickerFolder[] }>;
}

/** What the agent supplies for the picker commands. */
export interface FeedPickerCommands {
  /** The picker of the settings in effect, or undefined without a client id to sign in with. */
  picker(): FeedSitePicker | undefined;
  /** The signed-in person's name (for "Dana can't open this site"), or null. */
  personName(): Promise<string | null>;
}

type PickerCommand = 'listSites' | 'listLibraries' | 'listFolders';

type PickerHandlers = {
  [C in PickerCommand]: (message: CommandMessage<C>) => Promise<CommandResult<C>>;
};

/** How long one picker command may take, every page included. */
const pickerTimeoutMs = 60_000;

/** The sentence for a search that found nothing. */
export function emptySearchSentence(query: string): string {
  return `No site matches "${query}": check the spelling, search for part of the name, or paste the site's address.`;
}

/** The sentence for a person who follows no sites. */
export const noFollowedSitesSentence =
  'You follow no SharePoint sites yet: search for the site by name, or paste its address.';

/** The sentence for a site without document libraries. */
export const noLibrariesSentence =
  'This site has no document libraries: choose another site, or ask its owner to add one.';

/**
 * The handlers of listSites, listLibraries and listFolders. Graph's refusals become sentences a
 * person can act on: who may not open what and whom to ask, or which permission lacks consent.
 */
export function pickerCommandHandlers(
  commands: FeedPickerCommands | undefined,
  require: <T>(operation: T | undefined, what: string) => T,
): PickerHandlers {
  const run = async <T>(work: (picker: FeedSitePicker, signal: AbortSignal) => Promise<T>) => {
    const picker = require(commands, 'Choosing a site').picker();
    if (!picker) {
      throw new FeedCommandError(
        feedErrorCodes.pickerNotSignedIn,
        'Sites can be listed once SiteDrop can sign in: set the client id (auth.clientId), save, and sign in with Microsoft.',
      );
    }
    try {
      return await work(picker, AbortSignal.timeout(pickerTimeoutMs));
    } catch (error) {
      throw await pickerFailure(error, commands);
    }
  };
  return {
    listSites: ({ query, url }) =>
      run(async (picker, signal) => {
        if (url !== undefined && url.trim() !== '') {
          const { site, libraryId } = await picker.siteByUrl(url, signal);
          return { source: 'url' as const, sites: [site], libraryId, notice: null };
        }
        if (query !== undefined && query.trim() !== '') {
          const sites = await picker.searchSites(query.trim(), signal);
          const notice = sites.length === 0 ? emptySearchSentence(query.trim()) : null;
          return { source: 'search' as const, sites, libraryId: null, notice };
        }
        const sites = await picker.followedSites(signal);
        const notice = sites.length === 0 ? noFollowedSitesSentence : null;
        return { source: 'followed' as const, sites, libraryId: null, notice };
      }),
    listLibraries: ({ siteId }) =>
      run(async (picker, signal) => {
        const libraries = await picker.libraries(siteId, signal);
        return { libraries, notice: libraries.length === 0 ? noLibrariesSentence : null };
      }),
    listFolders: ({ driveId, itemId }) =>
      run(async (picker, signal) => ({
        ...(await picker.folders(driveId, itemId, signal)),
        notice: null,
      })),
  };
}

/** A picker failure as the refusal the person reads. */
async function pickerFailure(
  error: unknown,
  commands: FeedPickerCommands | undefined,
): Promise<unknown> {
  if (!(error instanceof CodedError) || error instanceof FeedCommandError) return error;
  const { httpStatus, graphCode, kind } = error as CodedError & {
    httpStatus?: number | null;
    graphCode?: string | null;
    kind?: string;
  };
  if (httpStatus === 403 && graphCode === 'Authorization_RequestDenied') {
    return new FeedCommandError(
      feedErrorCodes.pickerPermissionMissing,
      'The sign-in lacks the Sites.Read.All permission (or Sites.ReadWrite.All) that listing sites needs: an admin must grant consent for it to the app (Entra ID, App registrations, API permissions), then sign in again. Pasting the site address works without it.',
    );
  }
  if (httpStatus === 403) {
    return new FeedCommandError(
      feedErrorCodes.pickerAccessDenied,
      cannotOpenSiteSentence(await commands?.personName()),
    );
  }
  if (error.code === 'config.site-not-found' || error.code === 'picker.not-a-site-address') {
    const sentence =
      error.code === 'picker.not-a-site-address'
        ? error.message
        : 'There is no SharePoint site at that address: check it, or search for the site by name.';
    return new FeedCommandError(feedErrorCodes.pickerSiteNotFound, sentence);
  }
  if (kind === 'auth') return new FeedCommandError(feedErrorCodes.pickerNotSignedIn, error.message);
  if (kind === 'transient') {
    return new FeedCommandError(feedErrorCodes.pickerUnavailable, error.message);
  }
  return new FeedCommandError(error.code, error.message);
}

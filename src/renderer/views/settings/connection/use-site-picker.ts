/**
 * The picker's state: the sites offered (followed, searched or pasted), the libraries of the
 * chosen site, and the folder being browsed, each asked of the agent (listSites, listLibraries,
 * listFolders), and one sentence for the live region saying what came back or why nothing did.
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  CommandResult,
  PickerFolder,
  PickerLibrary,
  PickerSite,
} from '../../../../shared/feed-protocol.ts';
import { useFeedState } from '../../../feed/feed-context.tsx';

/** What the picker holds and can do. */
export interface SitePickerState {
  sites: PickerSite[];
  libraries: PickerLibrary[] | undefined;
  /** The folder browsed now, and the folders in it. */
  browsing: { folder: PickerFolder; folders: PickerFolder[] } | undefined;
  site: PickerSite | undefined;
  library: PickerLibrary | undefined;
  /** What the last answer came to, for the polite live region. */
  announcement: string;
  isBusy: boolean;
  showFollowed(): void;
  search(query: string): void;
  openAddress(url: string): void;
  chooseSite(site: PickerSite, libraryId?: string | null): void;
  chooseLibrary(library: PickerLibrary): void;
  browse(itemId?: string): void;
  /** Says something in the live region (a choice made). */
  announce(sentence: string): void;
}

/**
 * One answer at a time turned into the live region's sentence: what `onDone` says of a result,
 * or the agent's refusal as it is.
 */
function useAnnouncedAnswers() {
  const [announcement, setAnnouncement] = useState('');
  const [isBusy, setIsBusy] = useState(false);
  const ask = useCallback(
    async <T>(work: () => Promise<T> | undefined, onDone: (result: T) => string) => {
      const pending = work();
      if (pending === undefined) return;
      setIsBusy(true);
      try {
        setAnnouncement(onDone(await pending));
      } catch (error) {
        setAnnouncement(error instanceof Error ? error.message : String(error));
      } finally {
        setIsBusy(false);
      }
    },
    [],
  );
  return { announcement, setAnnouncement, isBusy, ask };
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** What a list of sites came to: the agent's notice, or how many were found and how. */
function sitesSentence(result: CommandResult<'listSites'>): string {
  if (result.notice !== null) return result.notice;
  const found = plural(result.sites.length, 'site', 'sites');
  if (result.source === 'followed') return `${found} you follow.`;
  if (result.source === 'search') return `${found} found.`;
  return `Found the site ${result.sites[0]?.name ?? ''}.`;
}

/** The picker's state, on the page's feed connection. */
export function useSitePicker(isEnabled: boolean): SitePickerState {
  const feed = useFeedState();
  const connection = feed.connection;
  const [sites, setSites] = useState<PickerSite[]>([]);
  const [libraries, setLibraries] = useState<PickerLibrary[] | undefined>();
  const [browsing, setBrowsing] = useState<SitePickerState['browsing']>();
  const [site, setSite] = useState<PickerSite | undefined>();
  const [library, setLibrary] = useState<PickerLibrary | undefined>();
  const { announcement, setAnnouncement, isBusy, ask } = useAnnouncedAnswers();

  const showSites = useCallback(
    (params: { query?: string; url?: string }) =>
      void ask(
        () => connection?.request('listSites', params),
        (result: CommandResult<'listSites'>) => {
          setSites(result.sites);
          return sitesSentence(result);
        },
      ),
    [ask, connection],
  );

  const browse = useCallback(
    (driveId: string, itemId?: string) =>
      void ask(
        () =>
          connection?.request('listFolders', {
            driveId,
            ...(itemId === undefined ? {} : { itemId }),
          }),
        (result: CommandResult<'listFolders'>) => {
          setBrowsing({ folder: result.folder, folders: result.folders });
          const where = result.folder.path === '' ? 'the top level' : result.folder.path;
          return (
            result.notice ?? `${plural(result.folders.length, 'folder', 'folders')} in ${where}.`
          );
        },
      ),
    [ask, connection],
  );

  const chooseLibrary = useCallback(
    (chosen: PickerLibrary) => {
      setLibrary(chosen);
      setBrowsing(undefined);
      browse(chosen.id);
    },
    [browse],
  );

  const chooseSite = useCallback(
    (chosen: PickerSite, libraryId: string | null = null) => {
      setSite(chosen);
      setLibrary(undefined);
      setLibraries(undefined);
      setBrowsing(undefined);
      void ask(
        () => connection?.request('listLibraries', { siteId: chosen.id }),
        (result: CommandResult<'listLibraries'>) => {
          setLibraries(result.libraries);
          const pointed = result.libraries.find((candidate) => candidate.id === libraryId);
          if (pointed) chooseLibrary(pointed);
          return (
            result.notice ??
            `${plural(result.libraries.length, 'document library', 'document libraries')} on ${chosen.name}.`
          );
        },
      );
    },
    [ask, chooseLibrary, connection],
  );

  useEffect(() => {
    if (isEnabled && connection !== undefined) showSites({});
  }, [isEnabled, connection, showSites]);

  return {
    sites,
    libraries,
    browsing,
    site,
    library,
    announcement,
    isBusy,
    showFollowed: () => showSites({}),
    search: (query) => showSites({ query }),
    openAddress: (url) =>
      void ask(
        () => connection?.request('listSites', { url }),
        (result: CommandResult<'listSites'>) => {
          setSites(result.sites);
          const [pasted] = result.sites;
          if (pasted) chooseSite(pasted, result.libraryId);
          return `Found the site ${pasted?.name ?? ''}.`;
        },
      ),
    chooseSite,
    chooseLibrary,
    browse: (itemId) => {
      if (library) browse(library.id, itemId);
    },
    announce: setAnnouncement,
  };
}

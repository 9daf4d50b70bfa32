import { CodedError } from '../../../shared/coded-error.ts';
import type { DeltaPage, RemoteFiles } from '../delivery/index.ts';
import type { Logger } from '../logging/index.ts';
import type { RemoteChange, ResponseRecord, Store } from '../store/index.ts';
import type { ResponseMapping } from './download-response.ts';

/** What a poll needs of the agent. */
export interface PollParts {
  store: Store;
  remote: RemoteFiles;
  logger: Logger;
  signal: AbortSignal;
}

/** More pages than this in one check means the service is looping (its nextLinks repeat). */
const maxPagesPerCheck = 10_000;
/** More 410 answers than this in one check: give up until the next check. */
const maxResyncsPerCheck = 3;

type Scope = 'folder' | 'root';
type Page = Extract<DeltaPage, { kind: 'page' }>;

/**
 * Asks SharePoint what changed in one mapping's remote folder and records it in the inbox
 * (docs/responses.md, "Detection").
 *
 * A delta on the folder, or where the service refuses that, a delta on the root filtered to the
 * folder (remembered per mapping). The first check starts at `token=latest` unless the mapping
 * brings the files already there. Every `@odata.nextLink` is followed to the last page before
 * anything is applied; then each page is applied in its own transaction and the delta link is
 * stored with the last one. A 410 enumerates again from its Location (or from the start): the
 * inbox takes versions it holds as repeats, so nothing already held is downloaded again.
 *
 * @returns the responses written (new versions and deletions).
 */
export async function pollMapping(
  mapping: ResponseMapping,
  parts: PollParts,
): Promise<ResponseRecord[]> {
  const { store, remote, signal } = parts;
  const driveId = await remote.driveId(mapping.library, signal);
  const folderItemId = await remote.folderItemId(driveId, mapping.remotePath, signal);
  const folderKey = `responses.folder:${mapping.mappingId}`;
  if (folderItemId === undefined) {
    // Whatever appears in the folder once it exists is new since the mapping started.
    store.setMeta(folderKey, 'missing');
    parts.logger.debug(
      { mappingId: mapping.mappingId, remotePath: mapping.remotePath },
      'The responses folder does not exist in SharePoint yet; nothing to bring',
    );
    return [];
  }
  const scopeKey = `responses.deltaScope:${mapping.mappingId}`;
  const knownFolder = store.getMeta(folderKey);
  if (knownFolder !== `${driveId}/${folderItemId}`) {
    // Another folder than the delta link was for (the mapping changed): start over.
    store.responses.forgetDeltaLink(mapping.mappingId);
    store.setMeta(folderKey, `${driveId}/${folderItemId}`);
  }
  const storedLink = store.responses.deltaLink(mapping.mappingId);
  const startAtLatest =
    storedLink === undefined && !mapping.alsoBringExisting && knownFolder !== 'missing';
  let scope: Scope = store.getMeta(scopeKey) === 'root' ? 'root' : 'folder';
  const pages: Page[] = [];
  let link = storedLink;
  let resyncs = 0;
  for (;;) {
    const page = await remote.deltaPage(
      { driveId, folderItemId, scope, link, startAtLatest: startAtLatest && link === undefined },
      signal,
    );
    if (page.kind === 'folder-refused') {
      scope = 'root';
      store.setMeta(scopeKey, scope);
      continue;
    }
    if (page.kind === 'resync') {
      resyncs += 1;
      if (resyncs > maxResyncsPerCheck) {
        throw new CodedError(
          'responses.resync-loop',
          'SharePoint asked again and again to enumerate the responses folder anew; SiteDrop tries at the next check',
        );
      }
      parts.logger.info(
        { mappingId: mapping.mappingId },
        'SharePoint asked to enumerate the responses folder again; files already brought are not downloaded again',
      );
      pages.length = 0;
      link = page.location;
      continue;
    }
    pages.push(page);
    if (page.nextLink !== undefined && pages.length < maxPagesPerCheck) {
      link = page.nextLink;
      continue;
    }
    if (page.deltaLink === undefined) {
      throw new CodedError(
        'responses.no-delta-link',
        'SharePoint ended a change listing without a delta link (or its pages kept repeating); SiteDrop tries at the next check',
      );
    }
    break;
  }
  const deltaLink = pages.at(-1)?.deltaLink;
  if (startAtLatest) {
    store.responses.applyDeltaPage(mapping.mappingId, [], deltaLink);
    return [];
  }
  return pages.flatMap((page, index) =>
    store.responses.applyDeltaPage(
      mapping.mappingId,
      page.changes.map((change) => withRemotePath(change, mapping.remotePath)),
      index === pages.length - 1 ? deltaLink : undefined,
    ),
  );
}

/**
 * A change with its path under the library: delta gives no path, but only files directly in the
 * mapped folder are kept, so the path is the folder's and the name (a deletion has no name).
 */
function withRemotePath(change: RemoteChange, folderPath: string): RemoteChange {
  if (change.name === undefined) return change;
  return {
    ...change,
    remotePath: folderPath === '' ? change.name : `${folderPath}/${change.name}`,
  };
}

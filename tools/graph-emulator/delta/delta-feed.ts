// `GET …/delta` on a drive's root or a folder (api-reference/v1.0/api/driveitem-delta.md): pages
// of driveItems with `@odata.nextLink` until a page with `@odata.deltaLink`; `token=latest`; the
// `deleted` facet; `$top`, `$select` and `deltaExcludeParent`; 410 Gone with a `Location` that
// starts a fresh enumeration when a token cannot be served. Items are rendered as SharePoint's
// delta renders them: no `parentReference.path` ("When using delta you should always track items
// by id"), no `cTag` on creates and modifies, and no `cTag` or `name` on deletes (Remarks, the
// OneDrive for Business table).

import type { DriveStore, ItemRecord } from '../drive-store.ts';
import type { DownloadUrls } from '../downloads.ts';
import { GraphError, sendJson } from '../http-util.ts';
import type { RequestContext } from '../http-util.ts';
import { guidFrom } from '../ids.ts';
import { applySelect, renderItem } from '../render.ts';
import type { ResyncCode, Tombstone } from './change-log.ts';
import { readDeltaPage } from './delta-page.ts';
import type { DeltaEntry } from './delta-page.ts';
import type { DeltaPosition, DeltaTokens } from './delta-tokens.ts';

/** Page size when the client sets no `$top`. */
const DEFAULT_PAGE_SIZE = 200;
/** The largest `$top` honoured. */
const MAX_PAGE_SIZE = 999;

/** What fault rules ask of one delta request (see faults.ts). */
export interface DeltaFaults {
  /** Answer 410 Gone as to a token the service can no longer serve. */
  readonly resync: boolean;
  /** Report items again (see delta-page.ts). */
  readonly repeatItems: boolean;
}

/** `delta`, `delta(token='…')`, `microsoft.graph.delta(…)`: the function in an item route. */
/** An ISO 8601 date and time, as a timestamp token gives it once URL-decoded. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
const DELTA_ACTION = /^\/(?:microsoft\.graph\.)?delta(?:\((?:token=)?'?([^')]*)'?\))?$/;

/** Serves delta queries. */
export class DeltaFeed {
  readonly #tokens: DeltaTokens;
  readonly #downloads: DownloadUrls;

  constructor(options: { tokens: DeltaTokens; downloads: DownloadUrls }) {
    this.#tokens = options.tokens;
    this.#downloads = options.downloads;
  }

  /** Whether an item route's action (what follows the item) is the delta function. */
  static isDeltaAction(action: string): boolean {
    return DELTA_ACTION.test(action);
  }

  /** Answer one delta request on `scope` (the drive's root or a folder). */
  handle(
    context: RequestContext,
    store: DriveStore,
    scope: ItemRecord,
    action: string,
    faults: DeltaFaults,
  ): void {
    if (!scope.isFolder) {
      throw new GraphError(400, 'invalidRequest', 'delta is only supported on folders.');
    }
    const { changes } = store;
    const start: DeltaPosition = {
      driveId: store.info.id,
      scopeId: scope.id,
      generation: changes.generation,
      since: -1,
    };
    if (faults.resync) throw this.#gone(context, store, start, 'resyncChangesApplyDifferences');
    const token = DELTA_ACTION.exec(action)?.[1] || context.query.get('token') || undefined;
    if (token === 'latest') {
      const latest = { ...start, since: changes.latest };
      return sendJson(context, 200, {
        value: [],
        '@odata.deltaLink': this.#deltaLink(context, store, latest),
      });
    }
    const position = token === undefined ? start : this.#positionOf(token, start, changes);
    if (position === undefined) throw this.#gone(context, store, start, changes.resyncCode);
    if (position.driveId !== store.info.id || position.scopeId !== scope.id) {
      throw new GraphError(400, 'invalidRequest', 'The delta token belongs to another folder.');
    }
    const isUnservable =
      position.generation < changes.generation ||
      (position.upTo ?? position.since) > changes.latest;
    if (isUnservable) throw this.#gone(context, store, start, changes.resyncCode);
    this.#sendPage(context, store, scope, position, faults);
  }

  /**
   * A sealed token's position, or a timestamp's (driveitem-delta.md, `token`: "a URL-encoded
   * timestamp" is accepted by OneDrive for Business and SharePoint): the changes since then.
   */
  #positionOf(
    token: string,
    start: DeltaPosition,
    changes: DriveStore['changes'],
  ): DeltaPosition | undefined {
    if (ISO_TIMESTAMP.test(token)) {
      const timeMs = Date.parse(token);
      if (Number.isFinite(timeMs)) return { ...start, since: changes.sequenceAt(timeMs) };
    }
    return this.#tokens.open(token);
  }

  #sendPage(
    context: RequestContext,
    store: DriveStore,
    scope: ItemRecord,
    position: DeltaPosition,
    faults: DeltaFaults,
  ): void {
    const upTo = position.upTo ?? store.changes.latest;
    const after = position.after ?? position.since;
    const asked = Number(context.query.get('$top') ?? position.top ?? DEFAULT_PAGE_SIZE);
    const top = Math.max(1, Math.min(Math.floor(asked) || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
    const select =
      context.query.get('$select') ?? context.query.get('select') ?? position.select ?? undefined;
    const page = readDeltaPage(store, scope, {
      since: position.since,
      upTo,
      after,
      top,
      includeParents: context.request.headers['deltaexcludeparent'] === undefined,
      ...(faults.repeatItems ? { repeat: { previousAfter: position.previousAfter } } : {}),
    });
    const body: Record<string, unknown> = {
      value: page.entries.map((entry) => this.#render(context, store, entry, select)),
    };
    if (page.nextAfter === undefined) {
      body['@odata.deltaLink'] = this.#deltaLink(context, store, {
        driveId: position.driveId,
        scopeId: position.scopeId,
        generation: position.generation,
        since: upTo,
      });
    } else {
      const next: DeltaPosition = {
        ...position,
        upTo,
        after: page.nextAfter,
        previousAfter: after,
        top,
        ...(select === undefined ? {} : { select }),
      };
      // The docs show nextLinks in the function form and deltaLinks in the query form; a client
      // that treats both as opaque URLs follows either.
      body['@odata.nextLink'] =
        `${linkBase(context, store, next)}(token='${this.#tokens.seal(next)}')`;
    }
    sendJson(context, 200, body);
  }

  #deltaLink(context: RequestContext, store: DriveStore, position: DeltaPosition): string {
    return `${linkBase(context, store, position)}?token=${this.#tokens.seal(position)}`;
  }

  /**
   * 410 Gone: "the service can't provide a list of changes for a given token"; `Location` holds
   * "a new nextLink that starts a fresh delta enumeration from scratch" (driveitem-delta.md). The
   * top-level code is `resyncRequired`, as OneDrive's error list names it, and the inner code the
   * instruction the page documents.
   */
  #gone(
    context: RequestContext,
    store: DriveStore,
    start: DeltaPosition,
    code: ResyncCode,
  ): GraphError {
    return new GraphError(
      410,
      'resyncRequired',
      'Resync required: the delta token can no longer be served; enumerate the folder again from the Location URL.',
      {
        innerCode: code,
        headers: {
          location: `${linkBase(context, store, start)}(token='${this.#tokens.seal(start)}')`,
        },
      },
    );
  }

  #render(
    context: RequestContext,
    store: DriveStore,
    entry: DeltaEntry,
    select: string | undefined,
  ): Record<string, unknown> {
    if (entry.kind === 'deleted') {
      // The facet stays whatever $select names: without it a deletion reads as an item.
      const json = applySelect(renderDeleted(store, entry.tombstone), select ?? null);
      return { ...json, deleted: { state: 'deleted' } };
    }
    const { item } = entry;
    const json = renderItem(store, item);
    delete json['cTag'];
    const parent = json['parentReference'] as Record<string, unknown>;
    delete parent['path'];
    if (!item.isFolder) {
      json['@microsoft.graph.downloadUrl'] = this.#downloads.issue(
        store,
        item,
        context.origins.sharePoint,
      );
    }
    return applySelect(json, select ?? null);
  }
}

/** `…/v1.0/drives/{drive-id}/root/delta` or `…/items/{folder-id}/delta`. */
function linkBase(context: RequestContext, store: DriveStore, position: DeltaPosition): string {
  const scope = position.scopeId === store.root.id ? 'root' : `items/${position.scopeId}`;
  return `${context.origin}/v1.0/drives/${position.driveId}/${scope}/delta`;
}

/** A deleted item as SharePoint's delta shows it: no `name`, no `cTag`. */
function renderDeleted(store: DriveStore, tombstone: Tombstone): Record<string, unknown> {
  const iso = (epochMs: number): string =>
    new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const guid = guidFrom(`${store.info.id}/${tombstone.id}`).toUpperCase();
  return {
    createdDateTime: iso(tombstone.createdAt),
    eTag: `"{${guid}},${tombstone.version}"`,
    id: tombstone.id,
    lastModifiedDateTime: iso(tombstone.modifiedAt),
    size: tombstone.size,
    parentReference: {
      driveType: 'documentLibrary',
      driveId: store.info.id,
      id: tombstone.parentId,
      siteId: store.info.site.id,
    },
    ...(tombstone.isFolder ? { folder: {} } : { file: {} }),
    deleted: { state: 'deleted' },
  };
}

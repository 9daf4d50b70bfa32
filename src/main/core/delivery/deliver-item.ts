import fs from 'node:fs';
import path from 'node:path';
import type { Config, FolderConfig } from '../../../shared/config-schema.ts';
import { QuickXorHash } from '../../../shared/quick-xor-hash.ts';
import type { EventBus } from '../events/index.ts';
import type { Clock } from '../lifecycle/index.ts';
import type { Item, Store } from '../store/index.ts';
import { renderColumns } from './column-template.ts';
import { DeliveryError } from './errors.ts';
import { countHashlessReads, isAwaitingHash } from './hash-check.ts';
import { setColumnsAfterUpload } from './graph/set-columns.ts';
import type { DriveItem, SharePointClient } from './graph/sharepoint-client.ts';
import type { TargetResolver } from './target-resolver.ts';
import type { UploadSessionFile } from './graph/upload-session-body.ts';
import { isIdentical, verifyUpload } from './verify-upload.ts';
import { CodedError } from '../../../shared/coded-error.ts';

/** The local file is no longer there: the item is `gone`. */
export class LocalFileGoneError extends CodedError<'local.gone'> {
  constructor(message: string) {
    super('local.gone', message);
  }
}

/** The local file changed since it was recorded (size or mtime): the item is re-queued. */
export class LocalFileChangedError extends CodedError<'local.changed'> {
  readonly sizeBytes: number;
  readonly mtimeMs: number;

  constructor(message: string, stat: fs.Stats) {
    super('local.changed', message);
    this.sizeBytes = stat.size;
    this.mtimeMs = Math.trunc(stat.mtimeMs);
  }
}

/** How an item arrived. */
export interface DeliveryResult {
  remote: DriveItem;
  /** SharePoint rewrote an Office document after upload: its hash differs, as documented. */
  isModifiedByServer: boolean;
  /** The identical file was already at the target (a crash or a lost response before). */
  wasAlreadyThere: boolean;
  /** How it was verified when not by size and hash both (noHashNote), else null. */
  verificationNote: string | null;
}

/** Everything delivering one item needs. */
export interface ItemDeliveryContext {
  item: Item;
  folder: FolderConfig;
  config: Config;
  sharepoint: SharePointClient;
  targets: TargetResolver;
  store: Store;
  bus: EventBus;
  clock: Clock;
  /** Random source for jitter, in [0, 1) (default Math.random). */
  random?: () => number;
  signal: AbortSignal;
  /**
   * Records `verifying` (committed when it resolves) before remote work that follows the upload:
   * setting columns. Without such work the caller records it together with `delivered`, in one
   * commit; a hash mismatch then fails the item from `uploading`.
   */
  recordVerifying: () => Promise<void>;
}

/** The read buffer of delivery's own hash pass (when intake has not hashed the file). */
const hashBufferBytes = 1024 * 1024;

/**
 * Files up to this size are checked and read synchronously. Each asynchronous fs call is a trip
 * through libuv's thread pool and back through an event loop that the workers' commits keep busy,
 * so a small file waits far longer for its stat and read that way than they take in place, and
 * costs more CPU (docs/performance.md, "Why the code is shaped so", Delivery). Larger files stay
 * asynchronous, so a slow disk or share never holds the loop for long.
 */
const syncReadMaxBytes = 64 * 1024;

/** Progress events per item are spaced at least this far apart. */
const progressIntervalMs = 250;

/** The library-relative path an item goes to (intake computes it; this is the fallback). */
export function targetPathOf(item: Item, folder: FolderConfig): string {
  if (item.targetPath) return item.targetPath;
  return path.posix.join(folder.target.folderPath || '.', item.relativePath).replace(/^\.\//, '');
}

/** The local file of an item. */
export function localPathOf(item: Item, folder: FolderConfig): string {
  return path.join(folder.path, ...item.relativePath.split('/'));
}

/**
 * Delivers one item: checks the local file, resolves the target, looks for an identical file
 * already there (exactly-once in effect), ensures the folders, uploads (one PUT, or an upload
 * session in chunks that survives a restart), verifies size and quickXorHash, and sets columns.
 *
 * @throws LocalFileGoneError, LocalFileChangedError, DeliveryError, or the signal's reason.
 */
export async function deliverItem(context: ItemDeliveryContext): Promise<DeliveryResult> {
  try {
    return await deliverOnce(context);
  } catch (error) {
    // A cached site or drive id that stopped working: forget it and try once more.
    if (
      error instanceof DeliveryError &&
      error.httpStatus === 404 &&
      (error.code === 'config.library-not-found' || error.code === 'graph.not-found')
    ) {
      context.targets.forget(libraryOf(context));
      return deliverOnce(context);
    }
    throw error;
  }
}

function libraryOf(context: ItemDeliveryContext): string {
  return context.folder.target.library ?? context.config.sharepoint.library;
}

async function deliverOnce(context: ItemDeliveryContext): Promise<DeliveryResult> {
  const { folder, sharepoint, targets, signal } = context;
  const localPath = localPathOf(context.item, folder);
  const stat = await assertUnchanged(context.item, localPath);
  const item = await ensureQuickXorHash(context, localPath);
  const targetPath = targetPathOf(item, folder);
  const driveId = await targets.driveId(libraryOf(context), signal);
  const columns = Object.keys(folder.target.columns);
  await targets.checkColumns(driveId, columns, signal);

  let remote: DriveItem | undefined;
  let wasAlreadyThere = false;
  if (isAwaitingHash(item)) {
    // Uploaded before, and SharePoint gave no hash then: read it again; never upload again.
    // A file that is gone meanwhile (deleted in SharePoint) is uploaded as if new.
    remote = await sharepoint.getItemById(driveId, item.remoteId, targetPath, signal);
    if (remote) await context.recordVerifying();
  }
  const isSmall = item.sizeBytes <= context.config.delivery.simpleUploadMaxBytes;
  // An item that may have been sent before (an earlier attempt, a crash, a lost response, a
  // stored session) is looked for before it is sent again (exactly-once in effect). A small
  // file sent for the first time needs no look: its PUT asks SharePoint to refuse a taken name
  // (conflictBehavior=fail), and only a refusal (409) makes it look (docs/delivery.md, step 4):
  // one request per fresh small file instead of two.
  const mayHaveBeenSent = item.attempts > 1 || item.uploadSessionUrl !== null;
  const mustLookFirst = mayHaveBeenSent || (folder.conflict !== 'replace' && !isSmall);
  if (!remote && mustLookFirst) {
    const existing = await sharepoint.getItemByPath(driveId, targetPath, signal);
    if (existing && isIdentical(existing, item)) {
      remote = existing;
      wasAlreadyThere = true;
      if (item.uploadSessionUrl) await cancelSession(context, item.uploadSessionUrl);
    }
  }
  if (!remote) {
    const folderPath = path.posix.dirname(targetPath).replace(/^\.$/, '');
    if (isSmall) {
      const send = () =>
        uploadSmall(context, item, driveId, targetPath, localPath, {
          isNameCheckedBySend: !mustLookFirst && folder.conflict !== 'replace',
        });
      // A PUT by path creates missing parent folders (as Graph does, and the bench's bare loop
      // relies on): folders are made first only when SharePoint answers that one is missing.
      let sent: Awaited<ReturnType<typeof send>>;
      try {
        sent = await send();
      } catch (error) {
        if (!(error instanceof DeliveryError) || error.code !== 'graph.not-found') throw error;
        await targets.ensureFolder(driveId, folderPath, signal);
        sent = await send();
      }
      remote = sent.remote;
      wasAlreadyThere = sent.wasAlreadyThere;
    } else {
      await targets.ensureFolder(driveId, folderPath, signal);
      remote = await uploadInSession(context, item, driveId, targetPath, localPath, {
        conflict: folder.conflict,
        sizeBytes: item.sizeBytes,
        modifiedAtMs: item.mtimeMs,
        createdAtMs: stat.birthtimeMs,
      });
    }
  }
  const { isModifiedByServer, verificationNote } = verifyUpload(remote, item, targetPath, () =>
    countHashlessReads(context.store, item.id),
  );
  if (columns.length > 0) {
    const fields = renderColumns(folder.target.columns, {
      folder,
      relativePath: item.relativePath,
      request: item.request,
    });
    if (Object.keys(fields).length > 0) {
      await context.recordVerifying();
      await setColumnsAfterUpload({
        sharepoint,
        clock: context.clock,
        driveId,
        itemId: remote.id,
        fields,
        label: targetPath,
        delaysMs: context.config.delivery.retry.inProcessDelaysMs,
        random: context.random ?? Math.random,
        signal,
      });
    }
  }
  return { remote, isModifiedByServer, wasAlreadyThere, verificationNote };
}

/**
 * Throws when the local file is missing or differs from what was recorded.
 *
 * @returns the file's stat, which matches the item.
 */
async function assertUnchanged(item: Item, localPath: string): Promise<fs.Stats> {
  let stat: fs.Stats;
  try {
    stat =
      item.sizeBytes <= syncReadMaxBytes
        ? fs.statSync(localPath)
        : await fs.promises.stat(localPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LocalFileGoneError(`${localPath} no longer exists`);
    }
    throw error;
  }
  if (stat.size !== item.sizeBytes || Math.abs(stat.mtimeMs - item.mtimeMs) >= 1) {
    throw new LocalFileChangedError(`${localPath} changed since it was queued`, stat);
  }
  return stat;
}

/** The item with its quickXorHash, computing (and storing) it when intake has not. */
async function ensureQuickXorHash(context: ItemDeliveryContext, localPath: string): Promise<Item> {
  if (context.item.quickXorHash) return context.item;
  const hash = new QuickXorHash();
  // One reused buffer: a stream allocates a fresh one per read, garbage that a large file
  // turns into resident memory between collections (docs/performance.md).
  const buffer = Buffer.allocUnsafe(hashBufferBytes);
  const handle = await fs.promises.open(localPath, 'r');
  try {
    for (;;) {
      context.signal.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return context.store.updateItem(context.item.id, { quickXorHash: hash.digest() });
}

/**
 * One PUT; a lost response is answered by looking at the target before sending again.
 *
 * With `isNameCheckedBySend` (a first send under conflict "rename" or "fail", not looked for
 * before), the PUT asks SharePoint to refuse a taken name (`conflictBehavior=fail`; Graph
 * answers 409 nameAlreadyExists). Only then does it look: the same size and quickXorHash there
 * means the item is already delivered; anything else gets the folder's own conflict setting
 * (rename: sent again under a free name; fail: the item fails, naming the file).
 */
async function uploadSmall(
  context: ItemDeliveryContext,
  item: Item,
  driveId: string,
  targetPath: string,
  localPath: string,
  options: { isNameCheckedBySend: boolean },
): Promise<{ remote: DriveItem; wasAlreadyThere: boolean }> {
  const { sharepoint, signal } = context;
  const content =
    item.sizeBytes <= syncReadMaxBytes
      ? fs.readFileSync(localPath)
      : await fs.promises.readFile(localPath);
  const maxLostResponses = context.config.delivery.retry.inProcessDelaysMs.length;
  let isCheckingName = options.isNameCheckedBySend;
  let lostResponses = 0;
  for (;;) {
    try {
      const remote = await sharepoint.uploadSmallFile(
        driveId,
        targetPath,
        content,
        isCheckingName ? 'fail' : context.folder.conflict,
        signal,
      );
      reportProgress(context, item, item.sizeBytes, true);
      return { remote, wasAlreadyThere: false };
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      const isNameTaken = isCheckingName && error.code === 'graph.conflict';
      if (!isNameTaken && error.code !== 'network.response-lost') throw error;
      const existing = await sharepoint.getItemByPath(driveId, targetPath, signal);
      if (existing && isIdentical(existing, item)) {
        // After a refusal it was there before this send; after a lost response, this send put it.
        return { remote: existing, wasAlreadyThere: isNameTaken };
      }
      if (isNameTaken) {
        // Another file has the name: the folder's conflict setting decides from here.
        if (context.folder.conflict === 'fail' && existing) throw error;
        isCheckingName = false;
      } else {
        lostResponses += 1;
        if (lostResponses > maxLostResponses) throw error;
      }
    }
  }
}

/**
 * Uploads through an upload session in chunks of delivery.chunkSizeBytes, streamed from disk.
 *
 * The session URL, its expiry and the next offset are stored with the item after every chunk,
 * so a restart asks the session where it stands and continues (docs/delivery.md, step 5).
 */
async function uploadInSession(
  context: ItemDeliveryContext,
  item: Item,
  driveId: string,
  targetPath: string,
  localPath: string,
  file: UploadSessionFile,
): Promise<DriveItem> {
  const { sharepoint, store, signal, clock } = context;
  const totalBytes = item.sizeBytes;
  const chunkBytes = context.config.delivery.chunkSizeBytes;
  let uploadUrl = item.uploadSessionUrl;
  let offset: number | null = null;
  let sessionStarts = 0;

  const startSession = async () => {
    sessionStarts += 1;
    if (sessionStarts > 3) {
      throw new DeliveryError(
        `SharePoint dropped the upload session of "${targetPath}" three times in a row; SiteDrop retries later`,
        { kind: 'transient', code: 'upload.session-unstable' },
      );
    }
    const session = await sharepoint.createUploadSession(driveId, targetPath, file, signal);
    uploadUrl = session.uploadUrl;
    offset = 0;
    store.updateItem(item.id, {
      uploadSessionUrl: session.uploadUrl,
      uploadSessionExpiresAt: session.expiresAt,
      uploadNextOffset: 0,
    });
  };

  /** Where the session stands; undefined when it is gone (expired, or already completed). */
  const askSession = async (): Promise<number | null | undefined> => {
    if (!uploadUrl) return undefined;
    const state = await sharepoint.getUploadSession(uploadUrl, signal);
    return state === undefined ? undefined : state.nextOffset;
  };

  /** The session is gone: the file may have been completed by our last chunk. */
  const afterSessionLost = async (): Promise<DriveItem | undefined> => {
    const existing = await sharepoint.getItemByPath(driveId, targetPath, signal);
    if (existing && isIdentical(existing, item)) return existing;
    await startSession();
    return undefined;
  };

  if (
    uploadUrl &&
    (item.uploadSessionExpiresAt === null || item.uploadSessionExpiresAt > clock.now())
  ) {
    const stands = await askSession();
    if (stands === undefined || stands === null) {
      const done = await afterSessionLost();
      if (done) return done;
    } else {
      offset = stands;
    }
  } else {
    await startSession();
  }

  for (;;) {
    const start = offset ?? 0;
    await assertUnchanged(item, localPath);
    const end = Math.min(start + chunkBytes, totalBytes) - 1;
    let result;
    try {
      result = await sharepoint.uploadFragment(
        uploadUrl ?? '',
        { start, end, totalBytes },
        localPath,
        targetPath,
        signal,
      );
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      if (error.code === 'upload.range-not-satisfiable') {
        const stands = await askSession();
        if (stands !== undefined && stands !== null) {
          offset = stands;
          continue;
        }
        const done = await afterSessionLost();
        if (done) return done;
        continue;
      }
      if (error.code === 'upload.session-expired') {
        const done = await afterSessionLost();
        if (done) return done;
        continue;
      }
      throw error;
    }
    if (result.kind === 'completed') {
      reportProgress(context, item, totalBytes, true);
      return result.item;
    }
    offset = result.nextOffset ?? end + 1;
    store.updateItem(item.id, {
      uploadNextOffset: offset,
      ...(result.expiresAt !== null ? { uploadSessionExpiresAt: result.expiresAt } : {}),
    });
    reportProgress(context, item, offset, false);
  }
}

/** Cancels an upload session, best effort (it expires by itself anyway). */
export async function cancelSession(
  context: Pick<ItemDeliveryContext, 'sharepoint' | 'signal'>,
  uploadUrl: string,
): Promise<void> {
  try {
    await context.sharepoint.deleteUploadSession(uploadUrl, context.signal);
  } catch (error) {
    if (context.signal.aborted) throw error;
    // A session we cannot delete expires by itself; the item's outcome does not depend on it.
  }
}

const lastProgressAt = new WeakMap<Item, number>();

/** Publishes a transient item.progress event, at most every progressIntervalMs per item. */
function reportProgress(
  context: ItemDeliveryContext,
  item: Item,
  sentBytes: number,
  isFinal: boolean,
): void {
  const now = context.clock.monotonicNow();
  const last = lastProgressAt.get(item);
  if (!isFinal && last !== undefined && now - last < progressIntervalMs) return;
  lastProgressAt.set(item, now);
  context.bus.publish([
    {
      type: 'item.progress',
      data: { itemId: item.id, sentBytes, totalBytes: item.sizeBytes },
      at: context.clock.now(),
    },
  ]);
}

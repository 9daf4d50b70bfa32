import fs from 'node:fs';
import path from 'node:path';
import type { FolderConfig } from '../../../../shared/config-schema.ts';
import type { ItemState } from '../../../../shared/item-state.ts';
import { parseRequestFile } from '../../../../shared/request-schema.ts';
import { setAsideNotePath } from '../../../../shared/set-aside.ts';
import type { Clock } from '../../lifecycle/index.ts';
import {
  newVersionFields,
  type GroupCommit,
  type Item,
  type NewItem,
  type StepResult,
  type Store,
} from '../../store/index.ts';
import {
  formatErrorReport,
  invalidNameCause,
  invalidRequestCause,
  pathTooLongCause,
  type QuarantineCause,
} from './error-report.ts';
import {
  goneCapableStates,
  inDeliveryStates,
  isKnownVersion,
  type QueueReason,
} from '../file-version.ts';
import type { FileHashes } from '../hash-file.ts';
import { moveToFreeName } from '../move-file.ts';
import type { PathRules } from '../path-rules.ts';
import { resolveTargetPath, targetBase, type TargetPath } from '../target-path.ts';

/** A finished file: its identity on disk when it was hashed. */
export interface FinishedFile {
  relativePath: string;
  sizeBytes: number;
  /** Whole milliseconds (the store keeps integers). */
  mtimeMs: number;
}

/** What recording needs of one folder. */
export interface RecordContext {
  store: Store;
  clock: Clock;
  folder: FolderConfig;
  rules: PathRules;
  /** The library this folder delivers to (`target.library`, else `sharepoint.library`). */
  libraryName: string;
  /** Runs the record transaction in intake's shared commit (group commit for bursts). */
  commit: GroupCommit;
}

/**
 * States whose item is re-queued with the new content when its file changes: the version was
 * not delivered yet (docs/intake.md, "One item per file version"). A set-aside item is one: the
 * corrected file dropped again is what the person was asked for, and the item then no longer
 * waits on them.
 */
const replaceableStates: readonly ItemState[] = [
  'queued',
  'retrying',
  'failed',
  'gone',
  'quarantined',
];

/**
 * What recording a file came to: the item that now stands for it (queued, skipped, quarantined
 * or already recorded), or the item of its previous version that delivery is sending, which the
 * file has to wait for (nothing was recorded).
 */
export type RecordOutcome = { item: Item } | { inDeliveryItemId: number };

/**
 * Records one finished, hashed file: quarantined (bad request or refused name), skipped (content
 * already delivered to the same target) or queued, as one store transaction (rule 1).
 *
 * A quarantined file is moved and its `.error.txt` written before the transaction, so a crash in
 * between leaves the file and its explanation in the quarantine folder, never a quarantined item
 * whose file still waits in the watched folder.
 */
export async function recordFile(
  context: RecordContext,
  file: FinishedFile,
  hashes: FileHashes,
  reason: QueueReason,
): Promise<RecordOutcome> {
  const target = await resolveTargetPath(context.folder, context.libraryName, file.relativePath);
  return recordWithTarget(context, file, hashes, reason, target);
}

/** recordFile, with the file's target path resolved already. */
export function recordWithTarget(
  context: RecordContext,
  file: FinishedFile,
  hashes: FileHashes,
  reason: QueueReason,
  target: TargetPath,
): Promise<RecordOutcome> {
  const { newItem, cause } = toNewItem(context, file, hashes, target);
  if (cause) return quarantine(context, newItem, cause).then((item) => ({ item }));
  return context.commit.runSingleWrite(() =>
    recordInTransaction(context, newItem, { sha256: hashes.sha256, target, reason }),
  );
}

/** A finished, hashed file whose target path is resolved: what recordTogether takes. */
export interface ReadyFile {
  file: FinishedFile;
  hashes: FileHashes;
  reason: QueueReason;
  target: TargetPath;
}

/** How recording one file of recordTogether ended. */
export type RecordResult = StepResult<RecordOutcome>;

/**
 * Records several finished files as one work of the next commit: the files of a burst that came
 * due in the same turn. Each file's record is a step atomic by itself (GroupCommit.runSteps), so
 * one that fails is rolled back alone and its error is given in its place; a failed COMMIT fails
 * them all. A file to be quarantined is moved and recorded on its own first, as recordWithTarget
 * does.
 *
 * Why not one recordWithTarget each: a commit work, a promise and their reactions per file are a
 * large share of a burst file's work after its window (docs/performance.md, "Why the code is
 * shaped so", Intake).
 */
export function recordTogether(
  context: RecordContext,
  files: readonly ReadyFile[],
): Promise<RecordResult[]> {
  const results: (RecordResult | undefined)[] = new Array<RecordResult | undefined>(files.length);
  const toCommit: { index: number; newItem: NewItem; record: RecordInputs }[] = [];
  const quarantined: Promise<void>[] = [];
  files.forEach(({ file, hashes, reason, target }, index) => {
    const { newItem, cause } = toNewItem(context, file, hashes, target);
    if (!cause) {
      toCommit.push({ index, newItem, record: { sha256: hashes.sha256, target, reason } });
      return;
    }
    quarantined.push(
      quarantine(context, newItem, cause).then(
        (item) => void (results[index] = { isOk: true, value: { item } }),
        (error: unknown) => void (results[index] = { isOk: false, error }),
      ),
    );
  });
  const committed =
    toCommit.length === 0
      ? Promise.resolve()
      : context.commit
          .runSteps((tryStep) => {
            for (const { index, newItem, record } of toCommit) {
              results[index] = tryStep(() => recordInTransaction(context, newItem, record));
            }
          })
          .catch((error: unknown) => {
            for (const { index } of toCommit) results[index] = { isOk: false, error };
          });
  return Promise.all([committed, ...quarantined]).then(() => results as RecordResult[]);
}

/** The item a finished file becomes, and why it is quarantined instead, if it is. */
function toNewItem(
  context: RecordContext,
  file: FinishedFile,
  hashes: FileHashes,
  target: TargetPath,
): { newItem: NewItem; cause: QuarantineCause | undefined } {
  const { folder } = context;
  const newItem: NewItem = {
    folderId: folder.id,
    relativePath: file.relativePath,
    sizeBytes: file.sizeBytes,
    mtimeMs: file.mtimeMs,
    sha256: hashes.sha256,
    quickXorHash: hashes.quickXorHash,
    targetPath: target.targetPath,
    library: context.libraryName,
    request: null,
  };
  let cause: QuarantineCause | undefined;
  if (target.pathProblem) {
    cause = pathTooLongCause(target.pathProblem);
  } else if (target.nameProblems.length > 0 && folder.invalidNames === 'quarantine') {
    const suggested = target.targetPath.slice(targetBase(folder).length);
    cause = invalidNameCause(target.nameProblems, suggested.replace(/^\//, ''));
  } else if (context.rules.isRequestFile(file.relativePath)) {
    const parsed = parseRequestFile(hashes.headBytes, hashes.sizeBytes);
    if (parsed.isValid) newItem.request = parsed.request;
    else cause = invalidRequestCause(parsed.problems);
  }
  return { newItem, cause };
}

/** What a file's record decides by, beside its new item. */
interface RecordInputs {
  sha256: string;
  target: TargetPath;
  reason: QueueReason;
}

/**
 * The record of one file, in the open transaction: reads, then one store write (insertItem, or
 * the transaction below), so it is atomic by itself.
 */
function recordInTransaction(
  context: RecordContext,
  newItem: NewItem,
  { sha256, target, reason }: RecordInputs,
): RecordOutcome {
  const { folder, store } = context;
  const { relativePath, sizeBytes, mtimeMs } = newItem;
  // The fields that decide, read in the transaction that writes: delivery may have claimed the
  // previous version since intake last looked. The whole item only when it is the answer.
  const latest = store.findLatestVersion(folder.id, relativePath);
  if (latest && isKnownVersion(latest, sizeBytes, mtimeMs)) {
    const known = store.getItem(latest.itemId);
    if (known) return { item: known };
  }
  if (latest && inDeliveryStates.includes(latest.state)) {
    return { inDeliveryItemId: latest.itemId };
  }
  const duplicate =
    folder.duplicates === 'skip'
      ? store.findDeliveredDuplicate(sha256, target.targetPath, context.libraryName)
      : undefined;
  const skippedData = duplicate ? { duplicateOfItemId: duplicate.id } : undefined;
  if (latest && replaceableStates.includes(latest.state)) {
    return store.transaction(() => {
      const item = store.transitionItem(
        latest.itemId,
        'queued',
        { folderId: folder.id, path: relativePath, sizeBytes, reason: 'changed' },
        newVersionFields(newItem, context.clock.now()),
      );
      return {
        item: skippedData
          ? store.transitionItem(item.id, 'skipped', skippedData, skippedData)
          : item,
      };
    });
  }
  if (skippedData) {
    return { item: store.insertItem(newItem, 'skipped', skippedData, skippedData) };
  }
  return {
    item: store.insertItem(newItem, 'queued', {
      folderId: folder.id,
      path: relativePath,
      sizeBytes,
      reason: latest ? 'changed' : reason,
    }),
  };
}

/** Moves the file to the quarantine folder, writes its `.error.txt`, records the item. */
async function quarantine(
  context: RecordContext,
  newItem: NewItem,
  cause: QuarantineCause,
): Promise<Item> {
  const { folder } = context;
  const originalPath = path.join(folder.path, newItem.relativePath);
  const quarantineDirectory = path.join(
    folder.path,
    folder.quarantineFolder,
    path.dirname(newItem.relativePath),
  );
  const quarantinePath = await moveToFreeName(
    originalPath,
    quarantineDirectory,
    path.basename(newItem.relativePath),
  );
  const report = formatErrorReport(cause, {
    originalPath,
    quarantinePath,
    watchedFolder: folder.path,
    at: new Date(context.clock.now()),
  });
  const notePath = setAsideNotePath(quarantinePath);
  await fs.promises.writeFile(notePath, report, 'utf8');
  const { store } = context;
  return store.transaction(() => {
    // An earlier version still waiting to be sent has lost its file to the quarantine.
    const latest = store.findLatestItemForPath(newItem.folderId, newItem.relativePath);
    if (latest && goneCapableStates.includes(latest.state)) {
      store.transitionItem(latest.id, 'gone', {});
    }
    return store.insertItem(
      newItem,
      'quarantined',
      { reason: cause.summary, quarantinePath, notePath, problems: cause.details },
      { lastErrorCode: cause.code, lastErrorMessage: cause.summary },
    );
  });
}

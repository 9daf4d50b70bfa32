import path from 'node:path';
import type { Item } from '../store/index.ts';
import { DeliveryError } from './errors.ts';
import { HashPendingError, hashRereadDelaysMs, noHashNote } from './hash-check.ts';
import type { DriveItem } from './graph/sharepoint-client.ts';

/** Extensions SharePoint rewrites after upload (it promotes properties into the file). */
const officeExtensions = new Set([
  'doc',
  'docx',
  'docm',
  'dotx',
  'dotm',
  'xls',
  'xlsx',
  'xlsm',
  'xlsb',
  'xltx',
  'xltm',
  'ppt',
  'pptx',
  'pptm',
  'potx',
  'potm',
  'ppsx',
  'ppsm',
]);

/** Whether a remote file is the same content as the item (size and quickXorHash). */
export function isIdentical(remote: DriveItem, item: Item): boolean {
  return (
    !remote.isFolder &&
    remote.size === item.sizeBytes &&
    remote.quickXorHash !== null &&
    remote.quickXorHash === item.quickXorHash
  );
}

/** Whether SharePoint rewrites a file of this name after upload (an Office document). */
export function isOfficeDocument(targetPath: string): boolean {
  const extension = path.posix.extname(targetPath).slice(1).toLowerCase();
  return officeExtensions.has(extension);
}

/**
 * Compares Graph's size and quickXorHash with the item's.
 *
 * A file without a hash (SharePoint may not have one yet) whose size matches is read again a
 * few times over the next minutes (HashPendingError); when none ever comes, the matching size
 * is what verified it, and the delivery says so (noHashNote). A hash that comes must match.
 *
 * @param countHashlessReads earlier reads of this upload that came without a hash (read from
 *   the store only when this one has none).
 * @returns whether SharePoint modified the file (Office documents only), and a note when the
 *   hash could not be checked.
 * @throws DeliveryError (verify.mismatch) for any other difference: never a silent success;
 *   HashPendingError while a hash may still come.
 */
export function verifyUpload(
  remote: DriveItem,
  item: Item,
  targetPath: string,
  countHashlessReads: () => number,
): { isModifiedByServer: boolean; verificationNote: string | null } {
  if (isIdentical(remote, item)) return { isModifiedByServer: false, verificationNote: null };
  const isOffice = isOfficeDocument(targetPath);
  if (isOffice && remote.quickXorHash !== null) {
    return { isModifiedByServer: true, verificationNote: null };
  }
  if (
    !remote.isFolder &&
    remote.quickXorHash === null &&
    (isOffice || remote.size === item.sizeBytes)
  ) {
    const hashlessReads = countHashlessReads();
    if (hashlessReads < hashRereadDelaysMs.length) {
      throw new HashPendingError(remote, hashlessReads + 1);
    }
    return {
      isModifiedByServer: isOffice && remote.size !== item.sizeBytes,
      verificationNote: noHashNote,
    };
  }
  throw new DeliveryError(
    `SharePoint reports ${remote.size} bytes with quickXorHash ${remote.quickXorHash ?? 'missing'} for "${targetPath}", but the file has ${item.sizeBytes} bytes with quickXorHash ${item.quickXorHash ?? 'missing'}: the copy in SharePoint is not the file that was sent. Press Retry to send it again`,
    { kind: 'permanent', code: 'verify.mismatch' },
  );
}

import { describe, expect, it } from 'vitest';
import { HashPendingError, noHashNote } from '../../../../../src/main/core/delivery/hash-check.ts';
import type { DriveItem } from '../../../../../src/main/core/delivery/graph/sharepoint-client.ts';
import { verifyUpload } from '../../../../../src/main/core/delivery/verify-upload.ts';
import type { Item } from '../../../../../src/main/core/store/index.ts';

const sent = { sizeBytes: 100, quickXorHash: 'AAAA' } as Item;

function remote(size: number, quickXorHash: string | null): DriveItem {
  return { id: '01X', name: 'f', size, webUrl: 'https://x', isFolder: false, quickXorHash };
}

type Outcome = 'verified' | 'modified' | 'pending' | 'noted' | 'mismatch';

function outcomeOf(target: string, driveItem: DriveItem, hashlessReads: number): Outcome {
  try {
    const result = verifyUpload(driveItem, sent, target, () => hashlessReads);
    if (result.verificationNote === noHashNote) return 'noted';
    return result.isModifiedByServer ? 'modified' : 'verified';
  } catch (error) {
    if (error instanceof HashPendingError) return 'pending';
    return (error as { code?: string }).code === 'verify.mismatch' ? 'mismatch' : 'verified';
  }
}

describe('verifying an upload against what SharePoint reports', () => {
  it.each<[string, string, DriveItem, number, Outcome]>([
    ['same size and hash', 'a.pdf', remote(100, 'AAAA'), 0, 'verified'],
    ['another hash', 'a.pdf', remote(100, 'BBBB'), 0, 'mismatch'],
    ['another size', 'a.pdf', remote(99, 'AAAA'), 0, 'mismatch'],
    ['an Office document SharePoint rewrote', 'a.docx', remote(140, 'BBBB'), 0, 'modified'],
    ['no hash yet, same size: read it again', 'a.pdf', remote(100, null), 0, 'pending'],
    ['no hash on the third read again either', 'a.pdf', remote(100, null), 2, 'pending'],
    ['no hash after every read: size checked', 'a.pdf', remote(100, null), 3, 'noted'],
    ['no hash and another size', 'a.pdf', remote(99, null), 0, 'mismatch'],
    ['no hash, an Office document of another size', 'a.xlsx', remote(140, null), 0, 'pending'],
  ])('%s → %s', (_case, target, driveItem, hashlessReads, expected) => {
    expect(outcomeOf(target, driveItem, hashlessReads)).toBe(expected);
  });

  it('says which check comes when while the hash is pending', () => {
    expect(() => verifyUpload(remote(100, null), sent, 'a.pdf', () => 1)).toThrow(
      /reads it again in 2 min \(check 2 of 3\)/,
    );
  });
});

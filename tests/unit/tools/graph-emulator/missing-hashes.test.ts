import { describe, expect, it } from 'vitest';
import { usePerTestEmulator } from './emulator-client.ts';

const emulator = usePerTestEmulator();

/** Uploads a file by one PUT; returns the driveItem SharePoint answered with. */
async function upload(name: string, content: string) {
  const response = await emulator.test.call(
    `/v1.0/drives/${emulator.driveId}/root:/Incoming/${name}:/content`,
    {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: content,
    },
  );
  return response.json<{ id: string; file: { hashes: { quickXorHash?: string } } }>();
}

async function hashOf(itemId: string): Promise<string | undefined> {
  const response = await emulator.test.call(`/v1.0/drives/${emulator.driveId}/items/${itemId}`);
  return response.json<{ file: { hashes: { quickXorHash?: string } } }>().file.hashes.quickXorHash;
}

describe('graph emulator: driveItems without a quickXorHash ("hash values may not be available")', () => {
  it('leaves the hash out of matching files for as many reads as the rule says, then shows it', async () => {
    emulator.test.emulator.missingHashes.add({ path: /\.pdf$/, reads: 2 });
    const pdf = await upload('a.pdf', 'pdf');
    expect(pdf.file.hashes).toEqual({});
    expect(await hashOf(pdf.id)).toBeUndefined();
    expect(await hashOf(pdf.id)).toMatch(/=$/);
    const text = await upload('a.txt', 'text');
    expect(text.file.hashes.quickXorHash).toMatch(/=$/);
  });

  it('can leave it out of empty files only, on every read, until reset', async () => {
    emulator.test.emulator.missingHashes.add({ sizeBytes: 0 });
    const empty = await upload('empty.bin', '');
    expect(empty.file.hashes).toEqual({});
    expect(await hashOf(empty.id)).toBeUndefined();
    expect((await upload('one.bin', 'x')).file.hashes.quickXorHash).toBeDefined();
    emulator.test.emulator.reset();
    expect(await hashOf(empty.id)).toBeDefined();
  });
});

// electron is mocked because the Electron binary cannot be downloaded on this machine; the
// fake safeStorage seals values reversibly, so what is checked is what this store does with it.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { fakeElectron, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);

const { SafeStorageSecretStore, SecretStorageUnavailableError, safeStorageFileName } =
  await import('../../src/main/electron/safe-storage-secret-store.ts');

const secret = 'Qk8~client-secret-value-0123456789';

beforeEach(() => resetFakeElectron());
afterEach(() => resetFakeElectron());

describe('SafeStorageSecretStore', () => {
  it('keeps secrets encrypted in an owner-only file and reads them back', async () => {
    const dataDir = makeTempDir();
    const store = new SafeStorageSecretStore(dataDir, 'linux');
    await store.set('auth.clientSecret', secret);
    expect(await store.get('auth.clientSecret')).toBe(secret);
    const file = path.join(dataDir, safeStorageFileName);
    expect(fs.readFileSync(file, 'utf8')).not.toContain(secret);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await store.delete('auth.clientSecret');
    expect(await store.get('auth.clientSecret')).toBeUndefined();
    expect(store.describe()).toContain('gnome_libsecret');
  });

  it('refuses to store a secret on Linux when safeStorage would only obfuscate it (basic_text)', async () => {
    fakeElectron.safeStorage.getSelectedStorageBackend.mockImplementation(() => 'basic_text');
    const dataDir = makeTempDir();
    const store = new SafeStorageSecretStore(dataDir, 'linux');
    const refusal = await store.set('auth.clientSecret', secret).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SecretStorageUnavailableError);
    expect((refusal as { code: string }).code).toBe('secrets.insecure-backend');
    const message = (refusal as Error).message;
    expect(message).toContain('basic_text');
    expect(message).toMatch(/gnome-keyring|libsecret/);
    expect(message).toContain('KWallet');
    expect(message).toContain('sitedrop agent');
    expect(message).not.toContain(secret);
    expect(fs.existsSync(path.join(dataDir, safeStorageFileName))).toBe(false);
  });

  it('does not apply the Linux rule on Windows, where DPAPI always encrypts', async () => {
    fakeElectron.safeStorage.getSelectedStorageBackend.mockImplementation(() => 'basic_text');
    const store = new SafeStorageSecretStore(makeTempDir(), 'win32');
    await store.set('auth.clientSecret', secret);
    expect(await store.get('auth.clientSecret')).toBe(secret);
    expect(store.describe()).toContain('DPAPI');
  });

  it('refuses when no encryption is available at all, naming the headless alternative', async () => {
    fakeElectron.safeStorage.isEncryptionAvailable.mockImplementation(() => false);
    const store = new SafeStorageSecretStore(makeTempDir(), 'darwin');
    await expect(store.set('auth.clientSecret', secret)).rejects.toMatchObject({
      code: 'secrets.no-encryption',
      message: expect.stringContaining('sitedrop agent'),
    });
  });
});

// electron is mocked because the Electron binary cannot be downloaded on this machine; these
// errors only need the module to load.
import { describe, expect, it, vi } from 'vitest';
import { CodedError } from '../../src/shared/coded-error.ts';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);

const { IpcRefusedError } = await import('../../src/main/electron/ipc-main.ts');
const { SecretStorageUnavailableError } =
  await import('../../src/main/electron/safe-storage-secret-store.ts');

describe("the desktop shell's coded errors", () => {
  it('a refused IPC call is a CodedError whose message still carries its code for the window', () => {
    const error = new IpcRefusedError('ipc.foreign-sender', 'The caller is not the app window.');
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toBeInstanceOf(IpcRefusedError);
    expect(error.code).toBe('ipc.foreign-sender');
    expect(error.name).toBe('IpcRefusedError');
    expect(error.message).toBe('ipc.foreign-sender: The caller is not the app window.');
  });

  it('secrets that cannot be kept safe are a CodedError with their code', () => {
    const error = new SecretStorageUnavailableError(
      'secrets.insecure-backend',
      'No keyring: install one.',
    );
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toBeInstanceOf(SecretStorageUnavailableError);
    expect(error.code).toBe('secrets.insecure-backend');
    expect(error.message).toBe('No keyring: install one.');
  });
});

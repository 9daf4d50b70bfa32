/**
 * Desktop secrets (client secret, certificate key, token cache) encrypted with Electron's
 * safeStorage: DPAPI on Windows, the Keychain on macOS, the Secret Service (GNOME Keyring,
 * KWallet) on Linux, so no secret is kept in clear on disk (docs/architecture.md, rule 7).
 */
import path from 'node:path';
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/platform.ts';
import { desktopSecretsFileName, OwnerOnlyJsonFile } from '../core/secrets/index.ts';
import { CodedError } from '../../shared/coded-error.ts';

/** The encrypted secrets' file inside the data directory. */
export const safeStorageFileName = desktopSecretsFileName;

/** Secrets cannot be stored safely on this machine; the message names why and the fix. */
export class SecretStorageUnavailableError extends CodedError<
  'secrets.no-encryption' | 'secrets.insecure-backend'
> {}

/**
 * A SecretStore whose values are encrypted with safeStorage and kept, base64, in
 * DATA_DIR/secrets.safe.json (mode 0600).
 *
 * On Linux without a keyring, safeStorage falls back to the `basic_text` backend, which only
 * obfuscates with a key hard-coded in Chromium: this store then refuses to store a secret
 * rather than pretend, and says how to fix it. Reading is still allowed (nothing is stored
 * that way by SiteDrop, but it must not crash on a file another build wrote).
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly #file: OwnerOnlyJsonFile;
  readonly #platform: NodeJS.Platform;

  constructor(dataDir: string, platform: NodeJS.Platform = process.platform) {
    this.#file = new OwnerOnlyJsonFile(path.join(dataDir, safeStorageFileName));
    this.#platform = platform;
  }

  async get(name: string): Promise<string | undefined> {
    const encrypted = this.#file.read()[name];
    if (encrypted === undefined) return undefined;
    return safeStorage.decryptString(Buffer.from(encrypted, 'base64'));
  }

  async set(name: string, value: string): Promise<void> {
    this.#checkSafe();
    const encrypted = safeStorage.encryptString(value).toString('base64');
    this.#file.write({ ...this.#file.read(), [name]: encrypted });
  }

  async delete(name: string): Promise<void> {
    const { [name]: _removed, ...rest } = this.#file.read();
    this.#file.write(rest);
  }

  describe(): string {
    const where =
      this.#platform === 'win32'
        ? 'Windows DPAPI'
        : this.#platform === 'darwin'
          ? 'the macOS Keychain'
          : `the desktop keyring (${this.#linuxBackend()})`;
    return `Secrets are kept encrypted with ${where}, in ${this.#file.path}.`;
  }

  #checkSafe(): void {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new SecretStorageUnavailableError(
        'secrets.no-encryption',
        'Secrets cannot be stored: this system offers no encryption to SiteDrop (Electron safeStorage is unavailable). ' +
          'Sign in to a desktop session with a keyring, or run SiteDrop headless (`sitedrop agent`), which keeps secrets in an owner-only file or SITEDROP_CLIENT_SECRET.',
      );
    }
    if (this.#platform === 'linux' && this.#linuxBackend() === 'basic_text') {
      throw new SecretStorageUnavailableError(
        'secrets.insecure-backend',
        'Secrets were not stored: no keyring is running, so Electron could only obfuscate them with a key that is the same on every machine (the basic_text backend), not encrypt them. ' +
          'Install and unlock a keyring (gnome-keyring via libsecret, or KWallet), then enter the secret again; ' +
          'or run SiteDrop headless (`sitedrop agent`), which keeps secrets in an owner-only (0600) file or SITEDROP_CLIENT_SECRET.',
      );
    }
  }

  #linuxBackend(): string {
    return safeStorage.getSelectedStorageBackend();
  }
}

import fs from 'node:fs';

/** The headless secret store's file in the data directory (FileSecretStore). */
export const headlessSecretsFileName = 'secrets.json';

/** The desktop secret store's file in the data directory (encrypted values, safeStorage). */
export const desktopSecretsFileName = 'secrets.safe.json';

/**
 * A flat JSON object of strings in one file readable by its owner only (mode 0600 where the OS
 * has modes): how both secret stores keep their values, the headless one in clear, the desktop
 * one encrypted.
 *
 * Every write replaces the file atomically (a temporary file in the same folder, renamed over
 * it), so a crash leaves the old values or the new ones, never half a file.
 */
export class OwnerOnlyJsonFile {
  readonly path: string;

  constructor(filePath: string) {
    this.path = filePath;
  }

  /**
   * The values ({} when the file does not exist yet).
   *
   * @throws Error naming the file and the fix when it exists but cannot be read or parsed.
   */
  read(): Record<string, string> {
    try {
      return JSON.parse(fs.readFileSync(this.path, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(
        `The secret file ${this.path} cannot be read (${(error as Error).message}). ` +
          'Delete it and enter the secrets again in Settings.',
        { cause: error },
      );
    }
  }

  /** Replaces the values, atomically, owner-only. */
  write(values: Record<string, string>): void {
    const temporary = `${this.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(values), { mode: 0o600 });
    fs.renameSync(temporary, this.path);
  }
}

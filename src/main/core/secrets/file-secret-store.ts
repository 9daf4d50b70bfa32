import fs from 'node:fs';
import path from 'node:path';
import { secretNames, type SecretStore } from '../platform.ts';

const environmentOverrides: Record<string, string> = {
  [secretNames.clientSecret]: 'SITEDROP_CLIENT_SECRET',
  [secretNames.certificateKey]: 'SITEDROP_CERTIFICATE_KEY',
};

/**
 * Secrets in DATA_DIR/secrets.json, readable by the owner only (mode 0600, where the OS has
 * modes), for headless agents. An environment variable overrides the file for the client
 * secret and certificate key, so a service manager can inject them.
 */
export class FileSecretStore implements SecretStore {
  readonly #file: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(dataDir: string, env: NodeJS.ProcessEnv = process.env) {
    this.#file = path.join(dataDir, 'secrets.json');
    this.#env = env;
  }

  async get(name: string): Promise<string | undefined> {
    const variable = environmentOverrides[name];
    const fromEnvironment = variable ? this.#env[variable] : undefined;
    if (fromEnvironment) return fromEnvironment;
    return this.#read()[name];
  }

  async set(name: string, value: string): Promise<void> {
    this.#write({ ...this.#read(), [name]: value });
  }

  async delete(name: string): Promise<void> {
    const { [name]: _removed, ...rest } = this.#read();
    this.#write(rest);
  }

  describe(): string {
    return `a file readable only by this user (${this.#file}); SITEDROP_CLIENT_SECRET overrides it`;
  }

  #read(): Record<string, string> {
    try {
      return JSON.parse(fs.readFileSync(this.#file, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(
        `The secret file ${this.#file} cannot be read (${(error as Error).message}). ` +
          'Delete it and enter the secrets again in Settings.',
        { cause: error },
      );
    }
  }

  #write(values: Record<string, string>): void {
    const temporary = `${this.#file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(values), { mode: 0o600 });
    fs.renameSync(temporary, this.#file);
  }
}

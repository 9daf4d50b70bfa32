import path from 'node:path';
import { secretNames, type SecretStore } from '../platform.ts';
import { headlessSecretsFileName, OwnerOnlyJsonFile } from './owner-only-json-file.ts';

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
  readonly #file: OwnerOnlyJsonFile;
  readonly #env: NodeJS.ProcessEnv;

  constructor(dataDir: string, env: NodeJS.ProcessEnv = process.env) {
    this.#file = new OwnerOnlyJsonFile(path.join(dataDir, headlessSecretsFileName));
    this.#env = env;
  }

  async get(name: string): Promise<string | undefined> {
    const variable = environmentOverrides[name];
    const fromEnvironment = variable ? this.#env[variable] : undefined;
    if (fromEnvironment) return fromEnvironment;
    return this.#file.read()[name];
  }

  async set(name: string, value: string): Promise<void> {
    this.#file.write({ ...this.#file.read(), [name]: value });
  }

  async delete(name: string): Promise<void> {
    const { [name]: _removed, ...rest } = this.#file.read();
    this.#file.write(rest);
  }

  describe(): string {
    return `Secrets are kept in a file readable only by this user (${this.#file.path}); SITEDROP_CLIENT_SECRET overrides it.`;
  }
}

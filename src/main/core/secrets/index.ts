/**
 * Secrets for headless agents, and the file both secret stores keep their values in.
 *
 * Owns: FileSecretStore, a 0600 JSON file in the data directory, with environment variables
 * (SITEDROP_CLIENT_SECRET, SITEDROP_CERTIFICATE_KEY) taking precedence, for servers; the
 * owner-only, atomically replaced JSON file (OwnerOnlyJsonFile) and both stores' file names.
 * Does not own: the desktop store's encryption (src/main/electron, Electron safeStorage).
 */
export { FileSecretStore } from './file-secret-store.ts';
export {
  desktopSecretsFileName,
  headlessSecretsFileName,
  OwnerOnlyJsonFile,
} from './owner-only-json-file.ts';

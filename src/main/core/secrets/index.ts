/**
 * Secrets for headless agents.
 *
 * Owns: FileSecretStore, a 0600 JSON file in the data directory, with environment variables
 * (SITEDROP_CLIENT_SECRET, SITEDROP_CERTIFICATE_KEY) taking precedence, for servers.
 * Does not own: the desktop store (src/main/electron, Electron safeStorage).
 */
export { FileSecretStore } from './file-secret-store.ts';

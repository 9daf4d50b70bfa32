/**
 * Config: where the agent's settings come from and which are locked.
 *
 * Owns: the data directory and policy file locations per OS, the built-in defaults, reading
 * and merging defaults < user config < managed policy, saving the user config file (validated,
 * atomic, policy locks enforced), and errors that name file and field.
 * Does not own: the schema itself (src/shared/config-schema.ts) or secrets (the secret store).
 */
export {
  defaultDataDir,
  defaultPolicyPath,
  defaultRequestFolder,
  defaultResponsesFolder,
  userConfigPath,
} from './data-dir.ts';
export { builtInDefaults, isDefaultRequestFolder } from './defaults.ts';
export { isFieldLocked } from '../../../shared/value-paths.ts';
export {
  ConfigError,
  loadConfig,
  mergeConfigValues,
  validateLayers,
  type ConfigLayer,
  type ConfigProblem,
  type LoadConfigOptions,
  type LoadedConfig,
} from './load-config.ts';
export {
  ConfigLockedError,
  readUserConfigValues,
  saveUserConfig,
  type SavedUserConfig,
  type SaveUserConfigOptions,
} from './save-user-config.ts';

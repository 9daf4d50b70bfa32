import type { ConfigInput } from '../../../../shared/config-schema.ts';
import {
  FeedCommandError,
  feedErrorCodes,
  type CommandParams,
  type CommandResult,
  type SettingsView,
} from '../../../../shared/feed-protocol.ts';
import {
  ConfigError,
  ConfigLockedError,
  loadConfig,
  readUserConfigValues,
  saveUserConfig,
  type SavedUserConfig,
} from '../../config/index.ts';
import type { SecretRedactor } from '../../logging/index.ts';
import { secretNames, type SecretStore } from '../../platform.ts';
import type { Store } from '../../store/index.ts';
import type { FeedCommands } from './feed-commands.ts';

/** Fields whose change takes effect only at the next start. */
export const restartRequiredFields: readonly string[] = [
  'feed.port',
  'log.maxFileBytes',
  'log.maxFiles',
];

/** Where the settings come from and go to. */
export interface SettingsCommandsOptions {
  defaults: ConfigInput;
  userConfigPath: string;
  policyPath: string;
  secretStore: SecretStore;
  redactor: SecretRedactor;
  store: Store;
  /** Applies a saved config to the running agent (called before settings.changed is logged). */
  onDidSave(saved: SavedUserConfig): void;
}

const secretFields = {
  clientSecret: secretNames.clientSecret,
  certificateKey: secretNames.certificateKey,
} as const;

/**
 * getSettings and saveSettings on the config layers: the effective config, what the user file
 * holds, the fields the policy locks, and which secrets are set (never their values).
 */
export function createSettingsCommands(
  options: SettingsCommandsOptions,
): Pick<FeedCommands, 'getSettings' | 'saveSettings'> {
  const getSettings = async (): Promise<SettingsView> => {
    const loaded = settingsOrRefusal(() => loadConfig(options));
    const userConfig = settingsOrRefusal(() => readUserConfigValues(options.userConfigPath));
    return {
      config: loaded.config,
      userConfig,
      lockedFields: [...loaded.lockedFields],
      lockedReason: `Set by your organisation's managed policy (${options.policyPath}); ask IT to change it.`,
      configPath: options.userConfigPath,
      secrets: {
        clientSecret: {
          isSet: (await options.secretStore.get(secretFields.clientSecret)) !== undefined,
        },
        certificateKey: {
          isSet: (await options.secretStore.get(secretFields.certificateKey)) !== undefined,
        },
      },
      secretStorage: options.secretStore.describe(),
    };
  };

  const saveSettings = async (
    params: CommandParams<'saveSettings'>,
  ): Promise<CommandResult<'saveSettings'>> => {
    const saved = params.config
      ? settingsOrRefusal(() => saveUserConfig({ ...options, patch: params.config ?? {} }))
      : undefined;
    const changedFields = [...(saved?.changedFields ?? [])];
    for (const [field, name] of Object.entries(secretFields)) {
      const value = params.secrets?.[field as keyof typeof secretFields];
      if (value === undefined) continue;
      if (value === null) {
        await options.secretStore.delete(name);
      } else {
        options.redactor.register(value);
        await options.secretStore.set(name, value);
      }
      changedFields.push(`secrets.${field}`);
    }
    if (saved) options.onDidSave(saved);
    if (changedFields.length > 0) {
      options.store.appendEvent({ type: 'settings.changed', data: { fields: changedFields } });
    }
    return {
      settings: await getSettings(),
      changedFields,
      restartRequiredFields: changedFields.filter((field) => restartRequiredFields.includes(field)),
    };
  };

  return { getSettings, saveSettings };
}

/** Runs a config step, turning its refusals into the protocol's settings errors. */
function settingsOrRefusal<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ConfigLockedError) {
      throw new FeedCommandError(feedErrorCodes.settingsLocked, error.message);
    }
    if (error instanceof ConfigError) {
      const problems = error.problems.map((problem) => ({
        field: problem.field,
        message: problem.message,
      }));
      throw new FeedCommandError(
        feedErrorCodes.settingsInvalid,
        `The settings were not saved: ${problems.map((problem) => `${problem.field} ${problem.message}`).join('; ')}.`,
        problems,
      );
    }
    throw error;
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { ConfigInput } from '../../../src/shared/config-schema.ts';
import { loadConfig } from '../../../src/main/core/config/index.ts';
import {
  createSettingsCommands,
  startFeed,
  type FeedCommands,
  type FeedLimits,
} from '../../../src/main/core/feed/index.ts';
import { createLogger } from '../../../src/main/core/logging/index.ts';
import { FileSecretStore } from '../../../src/main/core/secrets/index.ts';
import { openTestStore } from '../../helpers/store.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** Options of a feed on a real store in a temp data directory. */
export interface TestFeedOptions {
  dataDir?: string;
  /** The user config file's content. */
  userConfig?: ConfigInput;
  /** The policy file's content (none when absent). */
  policy?: ConfigInput;
  limits?: Partial<FeedLimits>;
  port?: number;
  staticRoot?: string;
  allowedOrigins?: string[];
  /** Extra commands (delivery's), over the store and settings ones. */
  commands?: Partial<FeedCommands>;
}

/**
 * Starts the real feed on a real SQLite store and a real logger in a temp data directory, on
 * any free port, with retry through the store and settings through the config files (what the
 * agent wires today). Closed when the test finishes.
 */
export async function startTestFeed(options: TestFeedOptions = {}) {
  const dataDir = options.dataDir ?? makeTempDir('sitedrop-feed-');
  const userConfigPath = path.join(dataDir, 'config.json');
  const policyPath = path.join(dataDir, 'policy.json');
  if (options.userConfig) fs.writeFileSync(userConfigPath, JSON.stringify(options.userConfig));
  if (options.policy) fs.writeFileSync(policyPath, JSON.stringify(options.policy));
  const defaults: ConfigInput = {};
  let config = loadConfig({ defaults, userConfigPath, policyPath }).config;
  const { store, clock, bus } = openTestStore(dataDir);
  const agentLogger = await createLogger({
    dataDir,
    level: 'debug',
    maxFileBytes: 1024 * 1024,
    maxFiles: 2,
    console: false,
  });
  onTestFinished(() => agentLogger.close());
  const feed = await startFeed({
    port: options.port ?? 0,
    getConfig: () => config,
    configPath: userConfigPath,
    dataDir,
    store,
    bus,
    logger: agentLogger.logger,
    clock,
    redactor: agentLogger.redactor,
    serverVersion: '0.0.0-test',
    staticRoot: options.staticRoot ?? path.join(dataDir, 'no-renderer'),
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    commands: {
      retryItems: (itemIds) =>
        store.transaction(() => itemIds.forEach((id) => store.requeueItem(id, 'retry'))),
      ...createSettingsCommands({
        defaults,
        userConfigPath,
        policyPath,
        secretStore: new FileSecretStore(dataDir, {}),
        redactor: agentLogger.redactor,
        store,
        onDidSave: (saved) => {
          config = saved.config;
        },
      }),
      ...options.commands,
    },
  });
  onTestFinished(() => feed.close());
  return {
    feed,
    store,
    clock,
    bus,
    dataDir,
    userConfigPath,
    logger: agentLogger,
    getConfig: () => config,
  };
}

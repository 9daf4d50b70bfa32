/**
 * The composition root: the one file that knows every capability and wires them together.
 *
 * Start order: data directory → config (a bad config stops here, before anything runs) →
 * lock → logger → store (integrity check, recovery, migrations) → capabilities. Close runs
 * the same in reverse, through one DisposableStore, so nothing is left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config, ConfigInput } from '../../shared/config-schema.ts';
import {
  builtInDefaults,
  defaultPolicyPath,
  isDefaultRequestFolder,
  loadConfig,
  userConfigPath,
} from './config/index.ts';
import { DelegatedAccount, startSignIn } from './account/index.ts';
import { acquireDataDirLock } from './data-dir-lock/index.ts';
import { startDelivery, type Delivery } from './delivery/index.ts';
import { startResponses, type Responses } from './responses/index.ts';
import { EventBus } from './events/index.ts';
import {
  createSettingsCommands,
  feedPortFromEnvironment,
  startFeed,
  type Feed,
  type FeedCommands,
  type FeedLimits,
} from './feed/index.ts';
import { startIntake, type Intake } from './intake/index.ts';
import { startWorkers, workersNeedRestart, type Workers } from './workers.ts';
import { DisposableStore, systemClock, toDisposable, type Clock } from './lifecycle/index.ts';
import { createLogger, type Logger, type SecretRedactor } from './logging/index.ts';
import type { OpenExternal, SecretStore } from './platform.ts';
import { FileSecretStore } from './secrets/index.ts';
import { Store, type DatabaseRecovery } from './store/index.ts';
import { sitedropVersion } from './version.ts';

/** How to start an agent. Only dataDir is required; the rest have production defaults. */
export interface AgentOptions {
  dataDir: string;
  /** The user config file (default DATA_DIR/config.json). */
  configPath?: string;
  /** The managed policy file (default per OS; SITEDROP_POLICY_FILE overrides). */
  policyPath?: string;
  /** The built-in defaults layer (default: one request folder in the home directory). */
  defaults?: ConfigInput;
  clock?: Clock;
  secretStore?: SecretStore;
  /** Also log readable lines to stderr. */
  logToConsole?: boolean;
  /** The feed's port (default SITEDROP_FEED_PORT, else config feed.port; 0: any free port). */
  feedPort?: number;
  /** Origins besides the agent's own page that may use the feed (the Electron shell's). */
  feedAllowedOrigins?: readonly string[];
  /** Overrides of the feed's per-client limits (the bench connects 50 clients; default 32). */
  feedLimits?: Partial<FeedLimits>;
  /**
   * Opens the sign-in page in the person's browser (the desktop's shell, `xdg-open` headless).
   * Without it, a browser sign-in only hands the page its URL to open.
   */
  openExternal?: OpenExternal;
}

/** A running agent. */
export interface Agent {
  readonly dataDir: string;
  /** The config in effect now: saving settings replaces it without a restart. */
  readonly config: Config;
  readonly lockedFields: readonly string[];
  readonly configPath: string;
  readonly store: Store;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  readonly secretStore: SecretStore;
  /** Set when a corrupt database was moved aside at start. */
  readonly recovery: DatabaseRecovery | undefined;
  /** The folder watchers: rescans and folder health. */
  readonly intake: Intake;
  /** The delivery worker: connection state, pause/resume, cancel, test connection. */
  readonly delivery: Delivery;
  /** The return channel: head office's answers brought back; Check now. */
  readonly responses: Responses;
  /** The local status port: its URL, and the dashboard URL with the token (print, never log). */
  readonly feed: Feed;
  /** The person signed in for delegated sign-in: sign in, sign out, who. */
  readonly account: DelegatedAccount;
  /** Resolves once a restart of intake and delivery for saved settings has finished. */
  whenSettled(): Promise<void>;
  /** Stops taking work, lets in-flight work reach a safe point, closes everything. Idempotent. */
  close(reason?: string): Promise<void>;
}

/**
 * Starts the agent on a data directory.
 *
 * @throws ConfigError for a bad config; DataDirLockedError when another agent holds the
 *   directory. Either way nothing was left running.
 */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const clock = options.clock ?? systemClock;
  const settings = loadAgentSettings(options);
  const { dataDir, config } = settings;
  const owned = new DisposableStore();
  try {
    owned.add(acquireDataDirLock(dataDir, clock.now()));
    const { logger, redactor } = owned.add(
      await createLogger({
        dataDir,
        level: config.log.level,
        maxFileBytes: config.log.maxFileBytes,
        maxFiles: config.log.maxFiles,
        console: options.logToConsole ?? false,
      }),
    );
    const bus = new EventBus((error, event) =>
      logger.error({ err: error, eventType: event.type }, 'An event listener failed'),
    );
    const store = openAgentStore({ dataDir, clock, bus, logger }, owned);
    ensureDefaultRequestFolder(config, settings.defaults);
    store.appendEvent({
      type: 'agent.started',
      data: { version: sitedropVersion, pid: process.pid },
    });
    const secretStore = options.secretStore ?? new FileSecretStore(dataDir);
    const account = owned.add(
      new DelegatedAccount({
        getConfig: () => settings.config,
        secretStore,
        redactor,
        logger,
        record: (event) => void store.appendEvent(event),
      }),
    );
    const parts = { store, bus, logger, clock, redactor, secretStore, account };
    const openExternal = options.openExternal;
    const workers = owned.add(await startAgentWorkers(config, parts));
    logger.info({ dataDir, folders: config.folders.map((folder) => folder.path) }, 'Agent started');
    const feed = owned.add(
      await startFeed({
        port: settings.feedPort,
        getConfig: () => settings.config,
        configPath: settings.configPath,
        dataDir,
        ...{ store, bus, logger, clock, redactor },
        serverVersion: sitedropVersion,
        allowedOrigins: options.feedAllowedOrigins,
        ...(options.feedLimits ? { limits: options.feedLimits } : {}),
        commands: agentCommands(settings, { ...parts, openExternal }, workers),
      }),
    );
    return runningAgent(settings, { ...parts, recovery: store.recovery, feed }, workers, owned);
  } catch (error) {
    await owned.close();
    throw error;
  }
}

/** Where an agent's settings come from, and the config in effect now (saving replaces it). */
interface AgentSettings {
  readonly dataDir: string;
  readonly configPath: string;
  readonly policyPath: string;
  readonly defaults: ConfigInput;
  readonly feedPort: number;
  config: Config;
  lockedFields: readonly string[];
}

/** The parts every capability is started with. */
interface AgentParts {
  readonly store: Store;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly redactor: SecretRedactor;
  readonly secretStore: SecretStore;
  /** The person signed in for delegated sign-in; delivery takes its tokens from it. */
  readonly account: DelegatedAccount;
}

/** Makes the data directory and loads the config: a bad config stops here, before anything runs. */
function loadAgentSettings(options: AgentOptions): AgentSettings {
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const configPath = options.configPath ?? userConfigPath(dataDir);
  const defaults = options.defaults ?? builtInDefaults();
  const policyPath = options.policyPath ?? defaultPolicyPath();
  const { config, lockedFields } = loadConfig({ defaults, userConfigPath: configPath, policyPath });
  const feedPort = options.feedPort ?? feedPortFromEnvironment() ?? config.feed.port;
  return { dataDir, configPath, policyPath, defaults, feedPort, config, lockedFields };
}

/**
 * Opens the store (integrity check, recovery, migrations), releases the claims a dead run left
 * and records a recovery; the store closes with `owned`.
 */
function openAgentStore(
  parts: Pick<AgentParts, 'bus' | 'clock' | 'logger'> & { dataDir: string },
  owned: DisposableStore,
): Store {
  const { logger } = parts;
  const store = Store.open({ dataDir: parts.dataDir, clock: parts.clock, bus: parts.bus });
  owned.add(toDisposable(() => store.close()));
  const released = store.releaseAllClaims();
  if (released > 0) logger.info({ released }, 'Released delivery claims left by the last run');
  if (store.recovery) {
    logger.warn(
      { movedTo: store.recovery.movedTo, reason: store.recovery.reason },
      'The database was corrupt: it was moved aside and a fresh one created; folders are rescanned',
    );
    store.appendEvent({ type: 'database.recovered', data: store.recovery });
  }
  return store;
}

/**
 * Starts intake and delivery as one pair. They read the config when they start; saving settings
 * restarts them with the new one (workers.apply), so a change takes effect without restarting
 * the agent. After a database recovery the store is empty, so the catch-up scan queues every
 * file. Without a tenant or a stored credential delivery stays idle and items stay queued.
 */
function startAgentWorkers(config: Config, parts: AgentParts): Promise<Workers> {
  const { store, bus, logger, clock, secretStore, redactor, account } = parts;
  return startWorkers(
    {
      startIntake: (workerConfig) =>
        startIntake({ config: workerConfig, store, bus, logger, clock }),
      startDelivery: (workerConfig) =>
        startDelivery({
          ...{ config: workerConfig, store, bus, logger, clock, secretStore, redactor },
          delegatedTokens: account,
        }),
      startResponses: (workerConfig, delivery) =>
        startResponses({
          ...{ config: workerConfig, store, logger, clock },
          remoteFiles: () => delivery.remoteFiles(),
        }),
    },
    config,
    logger,
  );
}

/** The feed's commands, answered by the running workers, the store and the config files. */
function agentCommands(
  settings: AgentSettings,
  parts: AgentParts & { openExternal: OpenExternal | undefined },
  workers: Workers,
): FeedCommands {
  const { store, logger, account } = parts;
  return {
    retryItems: (itemIds) =>
      store.transaction(() => itemIds.forEach((id) => store.requeueItem(id, 'retry'))),
    cancelItem: (itemId) => workers.delivery.cancelItem(itemId),
    pauseDelivery: (folderId) => workers.delivery.pause(folderId),
    resumeDelivery: (folderId) => workers.delivery.resume(folderId),
    tryNow: () => workers.delivery.tryNow(),
    checkResponsesNow: () => workers.responses.checkNow(),
    deliveryState: () => {
      const pause = workers.delivery.pauseState();
      return { isPaused: pause.isPausedAll, pausedFolderIds: pause.pausedFolderIds };
    },
    // Tests what was saved: a save restarts the workers after it answers, and a test that
    // ran on the delivery still starting would report on the settings before it.
    testConnection: async () => {
      await workers.whenSettled();
      return workers.delivery.testConnection();
    },
    account: {
      current: () => account.current(),
      isSignInRequired: () => account.isSignInRequired,
      isSigningIn: () => account.isSigningIn,
      lastSignInFailure: () => account.lastSignInFailure,
      authMethod: () => settings.config.auth.method,
      signIn: (method) =>
        startSignIn(account, method, {
          config: settings.config,
          logger,
          openExternal: parts.openExternal,
        }),
      cancelSignIn: () => account.cancelSignIn(),
      signOut: () => account.signOut(),
    },
    picker: {
      picker: () => workers.delivery.sitePicker(),
      personName: async () => {
        const person = await account.current();
        return person ? (person.name ?? person.username) : null;
      },
    },
    connectionState: () => ({ ...workers.delivery.connectionState(), changedAt: null }),
    folderHealth: (folderId) => {
      const health = workers.intake.folderHealth()[folderId];
      if (!health) return { status: 'unknown', reason: null, changedAt: null };
      const status = health.isAvailable ? 'available' : 'unavailable';
      return { status, reason: health.reason, changedAt: health.sinceAt };
    },
    ...createSettingsCommands({
      defaults: settings.defaults,
      userConfigPath: settings.configPath,
      policyPath: settings.policyPath,
      secretStore: parts.secretStore,
      redactor: parts.redactor,
      store,
      onDidSave: (saved) => {
        const previous = settings.config;
        settings.config = saved.config;
        settings.lockedFields = saved.lockedFields;
        logger.level = saved.config.log.level;
        if (workersNeedRestart(previous, saved.config)) workers.apply(saved.config);
      },
    }),
  };
}

/** The agent its caller holds: closing stops the workers, records the stop, closes the rest. */
function runningAgent(
  settings: AgentSettings,
  parts: AgentParts & { recovery: DatabaseRecovery | undefined; feed: Feed },
  workers: Workers,
  owned: DisposableStore,
): Agent {
  const { store, logger } = parts;
  let closing: Promise<void> | undefined;
  return {
    ...{ store, logger, bus: parts.bus, redactor: parts.redactor, secretStore: parts.secretStore },
    ...{ recovery: parts.recovery, feed: parts.feed, account: parts.account },
    dataDir: settings.dataDir,
    configPath: settings.configPath,
    get config() {
      return settings.config;
    },
    get lockedFields() {
      return settings.lockedFields;
    },
    get intake() {
      return workers.intake;
    },
    get delivery() {
      return workers.delivery;
    },
    get responses() {
      return workers.responses;
    },
    whenSettled: () => workers.whenSettled(),
    close(reason = 'stopped') {
      closing ??= (async () => {
        logger.info({ reason }, 'Agent stopping');
        // Workers first, so no intake or delivery write lands after agent.stopped; the feed
        // is still open, so connected clients hear that the agent stopped.
        await workers.close();
        store.appendEvent({ type: 'agent.stopped', data: { reason } });
        await owned.close();
      })();
      return closing;
    },
  };
}

/** Creates the embedded default request folder (never a configured one: it may be a share). */
function ensureDefaultRequestFolder(config: Config, defaults: ConfigInput): void {
  for (const folder of config.folders) {
    if (!isDefaultRequestFolder(folder.path, defaults)) continue;
    try {
      fs.mkdirSync(folder.path, { recursive: true });
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new Error(
        `Cannot create the request folder ${folder.path} (${code ?? message}). ` +
          'Move away a file that stands in its path, make its parent writable, ' +
          'or set the folder to another path in Settings or the config file (folders[].path). ' +
          '`sitedrop doctor` shows which.',
        { cause: error },
      );
    }
  }
}

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
import { DelegatedAccount } from './account/index.ts';
import { acquireDataDirLock } from './data-dir-lock/index.ts';
import { startDelivery, type Delivery } from './delivery/index.ts';
import { EventBus } from './events/index.ts';
import {
  createSettingsCommands,
  feedPortFromEnvironment,
  startFeed,
  type Feed,
  type FeedLimits,
} from './feed/index.ts';
import { startIntake, type Intake } from './intake/index.ts';
import { startWorkers, workersNeedRestart } from './workers.ts';
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
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const configPath = options.configPath ?? userConfigPath(dataDir);
  const defaults = options.defaults ?? builtInDefaults();
  const policyPath = options.policyPath ?? defaultPolicyPath();
  const { config, lockedFields } = loadConfig({ defaults, userConfigPath: configPath, policyPath });
  const feedPort = options.feedPort ?? feedPortFromEnvironment() ?? config.feed.port;
  let currentConfig = config;
  let currentLockedFields = lockedFields;

  const owned = new DisposableStore();
  try {
    owned.add(acquireDataDirLock(dataDir, clock.now()));
    const agentLogger = owned.add(
      await createLogger({
        dataDir,
        level: config.log.level,
        maxFileBytes: config.log.maxFileBytes,
        maxFiles: config.log.maxFiles,
        console: options.logToConsole ?? false,
      }),
    );
    const { logger, redactor } = agentLogger;
    const bus = new EventBus((error, event) =>
      logger.error({ err: error, eventType: event.type }, 'An event listener failed'),
    );
    const store = Store.open({ dataDir, clock, bus });
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
    ensureDefaultRequestFolder(config, defaults);
    store.appendEvent({
      type: 'agent.started',
      data: { version: sitedropVersion, pid: process.pid },
    });
    const secretStore = options.secretStore ?? new FileSecretStore(dataDir);
    const account = new DelegatedAccount({
      getConfig: () => currentConfig,
      secretStore,
      redactor,
      logger,
      record: (event) => void store.appendEvent(event),
    });
    owned.add(account);
    // Intake and delivery read the config when they start; saving settings restarts them with
    // the new one (workers.apply), so a change takes effect without restarting the agent.
    // After a database recovery the store is empty, so the catch-up scan queues every file.
    // Without a tenant or a stored credential delivery stays idle and items stay queued.
    const workers = owned.add(
      await startWorkers(
        {
          startIntake: (workerConfig) =>
            startIntake({ config: workerConfig, store, bus, logger, clock }),
          startDelivery: (workerConfig) =>
            startDelivery({
              config: workerConfig,
              store,
              bus,
              logger,
              clock,
              secretStore,
              redactor,
              delegatedTokens: account,
            }),
        },
        config,
        logger,
      ),
    );
    logger.info({ dataDir, folders: config.folders.map((folder) => folder.path) }, 'Agent started');

    const feed = owned.add(
      await startFeed({
        port: feedPort,
        getConfig: () => currentConfig,
        configPath,
        dataDir,
        store,
        bus,
        logger,
        clock,
        redactor,
        serverVersion: sitedropVersion,
        allowedOrigins: options.feedAllowedOrigins,
        ...(options.feedLimits ? { limits: options.feedLimits } : {}),
        commands: {
          retryItems: (itemIds) =>
            store.transaction(() => itemIds.forEach((id) => store.requeueItem(id, 'retry'))),
          cancelItem: (itemId) => workers.delivery.cancelItem(itemId),
          pauseDelivery: (folderId) => workers.delivery.pause(folderId),
          resumeDelivery: (folderId) => workers.delivery.resume(folderId),
          deliveryState: () => {
            const pause = workers.delivery.pauseState();
            return { isPaused: pause.isPausedAll, pausedFolderIds: pause.pausedFolderIds };
          },
          testConnection: () => workers.delivery.testConnection(),
          connectionState: () => ({ ...workers.delivery.connectionState(), changedAt: null }),
          folderHealth: (folderId) => {
            const health = workers.intake.folderHealth()[folderId];
            if (!health) return { status: 'unknown', reason: null, changedAt: null };
            const status = health.isAvailable ? 'available' : 'unavailable';
            return { status, reason: health.reason, changedAt: health.sinceAt };
          },
          ...createSettingsCommands({
            defaults,
            userConfigPath: configPath,
            policyPath,
            secretStore,
            redactor,
            store,
            onDidSave: (saved) => {
              const previous = currentConfig;
              currentConfig = saved.config;
              currentLockedFields = saved.lockedFields;
              logger.level = saved.config.log.level;
              if (workersNeedRestart(previous, saved.config)) workers.apply(saved.config);
            },
          }),
        },
      }),
    );
    let closing: Promise<void> | undefined;
    return {
      dataDir,
      get config() {
        return currentConfig;
      },
      get lockedFields() {
        return currentLockedFields;
      },
      configPath,
      store,
      bus,
      logger,
      redactor,
      secretStore,
      recovery: store.recovery,
      get intake() {
        return workers.intake;
      },
      get delivery() {
        return workers.delivery;
      },
      feed,
      account,
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
  } catch (error) {
    await owned.close();
    throw error;
  }
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

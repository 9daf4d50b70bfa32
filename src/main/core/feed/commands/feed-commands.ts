import type { Config } from '../../../../shared/config-schema.ts';
import {
  commandTypes,
  emptyStateCounts,
  FeedCommandError,
  feedErrorCodes,
  type ClientMessage,
  type CommandMessage,
  type CommandParams,
  type CommandResult,
  type CommandType,
  type ConnectionTestResult,
  type SettingsView,
  type Snapshot,
  type StateCounts,
} from '../../../../shared/feed-protocol.ts';
import { itemStates, terminalItemStates } from '../../../../shared/item-state.ts';
import { setAsideViewOf } from '../../../../shared/set-aside.ts';
import type { EventBus } from '../../events/index.ts';
import type { Clock, Disposable } from '../../lifecycle/index.ts';
import { toStatusResponse, type Item, type Store } from '../../store/index.ts';
import { toAttemptView, toItemView, toStatusItem } from '../item-view.ts';
import { accountCommandHandlers, type FeedAccountCommands } from './account-commands.ts';
import { pickerCommandHandlers, type FeedPickerCommands } from './picker-commands.ts';
import { ReportedState, type StateReporters } from './reported-state.ts';
import { responseCommandHandlers } from './response-commands.ts';

/**
 * What the agent supplies to the feed: the operations that belong to other capabilities.
 *
 * The feed knows nothing of delivery or intake internals. Optional members are capabilities
 * that may not exist in this agent (yet): their commands answer `command.unavailable`, and
 * their state falls back to what the feed heard on the event bus (connection.changed,
 * folder.available/unavailable, delivery.paused/resumed), or "unknown".
 */
export interface FeedCommands extends StateReporters {
  /** Puts failed or cancelled items back in the queue (the feed checked their states). */
  retryItems(itemIds: readonly number[]): void;
  /**
   * Cancels an item that is not finished (the feed checked it exists and is not finished).
   * Returns whether it was cancelled (false: it finished meanwhile).
   */
  cancelItem?(itemId: number): boolean | Promise<boolean>;
  /** Stops starting uploads for a folder, or for all when folderId is null. */
  pauseDelivery?(folderId: string | null): void;
  /** Undoes pauseDelivery. */
  resumeDelivery?(folderId: string | null): void;
  /** Ends the waits for SharePoint and makes retrying items due now; returns their ids. */
  tryNow?(): number[];
  /** Checks each step to SharePoint with the current settings. */
  testConnection?(signal: AbortSignal): Promise<ConnectionTestResult>;
  /** The settings screen's data. */
  getSettings(): Promise<SettingsView>;
  /** Validates and saves settings; they take effect without a restart. */
  saveSettings(params: CommandParams<'saveSettings'>): Promise<CommandResult<'saveSettings'>>;
  /** The signed-in person (delegated sign-in): who, sign in, cancel, sign out. */
  account?: FeedAccountCommands;
  /** The site, library and folder picker. */
  picker?: FeedPickerCommands;
  /** Asks SharePoint for responses now and brings them; resolves when that check ended. */
  checkResponsesNow?(): Promise<void>;
}

/**
 * Per-folder counts added up: every item's, by state (the per-folder counts hold every folder
 * with items, configured or not). One count of the items serves both.
 */
function totalCounts(perFolder: Iterable<StateCounts>): StateCounts {
  const total = emptyStateCounts();
  for (const counts of perFolder) for (const state of itemStates) total[state] += counts[state];
  return total;
}

/** How many recent items a snapshot holds. */
export const snapshotItemCount = 100;

const defaultPageSize = 100;
const itemEventLimit = 500;
const statusItemCount = 20;
const retryableStates = ['failed', 'cancelled'];

type Handlers = {
  [C in CommandType]: (message: CommandMessage<C>) => CommandResult<C> | Promise<CommandResult<C>>;
};

/** Options of the command runner. */
export interface FeedCommandRunnerOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  commands: FeedCommands;
  /** The current config (it changes when settings are saved). */
  getConfig(): Config;
}

/**
 * Runs every command for the WebSocket and the HTTP API alike (one implementation), and takes
 * snapshots.
 */
export class FeedCommandRunner implements Disposable {
  readonly #options: FeedCommandRunnerOptions;
  readonly #reported: ReportedState;
  readonly #handlers: Handlers;

  constructor(options: FeedCommandRunnerOptions) {
    this.#options = options;
    this.#reported = new ReportedState(options.bus, options.commands);
    this.#handlers = this.#buildHandlers();
  }

  /** The commands this agent can run now. */
  availableCommands(): CommandType[] {
    const { commands } = this.#options;
    const optional: Partial<Record<CommandType, unknown>> = {
      cancelItem: commands.cancelItem,
      pauseDelivery: commands.pauseDelivery,
      resumeDelivery: commands.resumeDelivery,
      tryNow: commands.tryNow,
      testConnection: commands.testConnection,
      getAccount: commands.account,
      signIn: commands.account,
      cancelSignIn: commands.account,
      signOut: commands.account,
      listSites: commands.picker,
      listLibraries: commands.picker,
      listFolders: commands.picker,
      checkResponsesNow: commands.checkResponsesNow,
    };
    return commandTypes.filter((type) => !(type in optional) || optional[type] !== undefined);
  }

  /**
   * Runs one parsed command.
   *
   * @throws FeedCommandError for a refusal the client can act on; anything else is a bug.
   */
  async run(message: ClientMessage): Promise<unknown> {
    const handler = this.#handlers[message.type] as (message: ClientMessage) => unknown;
    return handler(message);
  }

  /** Everything a UI draws, read in one transaction, with the event seq it reflects. */
  takeSnapshot(): Snapshot {
    const { store, clock } = this.#options;
    const config = this.#options.getConfig();
    const delivery = this.#reported.delivery();
    return store.readConsistently(() => {
      const seq = store.lastEventSeq();
      const perFolder = store.countsByFolderAndState();
      const page = this.#page({ limit: snapshotItemCount });
      return {
        seq,
        takenAt: clock.now(),
        counts: totalCounts(perFolder.values()),
        folders: config.folders.map((folder) => ({
          id: folder.id,
          path: folder.path,
          label: folder.label ?? null,
          health: this.#reported.folderHealth(folder.id),
          isPaused: delivery.isPaused || delivery.pausedFolderIds.includes(folder.id),
          counts: perFolder.get(folder.id) ?? emptyStateCounts(),
        })),
        connection: this.#reported.connection(config),
        delivery,
        items: page.items,
        nextCursor: page.nextCursor,
      };
    });
  }

  /** Stops listening to the bus. */
  close(): void {
    this.#reported.close();
  }

  #buildHandlers(): Handlers {
    const { store, commands } = this.#options;
    return {
      retryItem: ({ itemId }) => {
        const item = this.#existingItem(itemId);
        if (!retryableStates.includes(item.state)) {
          throw new FeedCommandError(
            feedErrorCodes.itemNotRetryable,
            `Item #${itemId} is ${item.state}; only failed or cancelled items can be retried.`,
          );
        }
        commands.retryItems([itemId]);
        return { item: toItemView(this.#existingItem(itemId)) };
      },
      retryAllFailed: () => {
        const itemIds = store.listFailedItemIds();
        if (itemIds.length > 0) commands.retryItems(itemIds);
        return { itemIds };
      },
      cancelItem: async ({ itemId }) => {
        const cancel = this.#require(commands.cancelItem, 'Cancelling an item');
        const notCancellable = (state: string) =>
          new FeedCommandError(
            feedErrorCodes.itemNotCancellable,
            `Item #${itemId} is already ${state}; only items that are not finished can be cancelled.`,
          );
        const item = this.#existingItem(itemId);
        if (terminalItemStates.includes(item.state)) throw notCancellable(item.state);
        if (!(await cancel.call(commands, itemId))) {
          throw notCancellable(this.#existingItem(itemId).state);
        }
        return { item: toItemView(this.#existingItem(itemId)) };
      },
      pauseDelivery: ({ folderId }) => {
        const pause = this.#require(commands.pauseDelivery, 'Pausing delivery');
        this.#checkFolder(folderId);
        pause.call(commands, folderId);
        return { delivery: this.#reported.delivery() };
      },
      resumeDelivery: ({ folderId }) => {
        const resume = this.#require(commands.resumeDelivery, 'Resuming delivery');
        this.#checkFolder(folderId);
        resume.call(commands, folderId);
        return { delivery: this.#reported.delivery() };
      },
      tryNow: () => {
        const tryNow = this.#require(commands.tryNow, 'Trying SharePoint now');
        return { itemIds: tryNow.call(commands) };
      },
      testConnection: async () => {
        const test = this.#require(commands.testConnection, 'Testing the connection');
        return test.call(commands, AbortSignal.timeout(120_000));
      },
      getSettings: () => commands.getSettings(),
      saveSettings: (message) =>
        commands.saveSettings({ config: message.config, secrets: message.secrets }),
      listItems: ({ filter = {} }) =>
        this.#page({
          ...(filter.states ? { states: filter.states } : {}),
          ...(filter.folderId !== undefined ? { folderId: filter.folderId } : {}),
          ...(filter.search ? { search: filter.search } : {}),
          ...(filter.beforeId !== undefined ? { beforeId: filter.beforeId } : {}),
          limit: filter.limit ?? defaultPageSize,
        }),
      getItem: ({ itemId }) => {
        const item = this.#existingItem(itemId);
        const events = store.listItemEvents(itemId, itemEventLimit);
        return {
          item: toItemView(item),
          attempts: store.listAttempts(itemId).map(toAttemptView),
          events,
          setAside: item.state === 'quarantined' ? (setAsideViewOf(events) ?? null) : null,
        };
      },
      getSnapshot: () => ({ snapshot: this.takeSnapshot() }),
      getStatus: async () => ({
        counts: store.countsByState(),
        items: store.listItems({ limit: statusItemCount }).map(toStatusItem),
        // Signed out and app-only read alike: null, as `sitedrop status --json` prints them.
        account: commands.account ? await commands.account.current() : null,
        responses: store.responses.listNewest(statusItemCount).map(toStatusResponse),
      }),
      ...accountCommandHandlers(commands.account, (operation, what) =>
        this.#require(operation, what),
      ),
      ...pickerCommandHandlers(commands.picker, (operation, what) =>
        this.#require(operation, what),
      ),
      ...responseCommandHandlers(
        store,
        commands.checkResponsesNow?.bind(commands),
        (operation, what) => this.#require(operation, what),
      ),
    };
  }

  #page(filter: Parameters<Store['listItems']>[0]) {
    const rows = this.#options.store.listItems({ ...filter, limit: filter.limit + 1 });
    const items = rows.slice(0, filter.limit).map(toItemView);
    const nextCursor = rows.length > filter.limit ? (items.at(-1)?.id ?? null) : null;
    return { items, nextCursor };
  }

  #existingItem(itemId: number): Item {
    const item = this.#options.store.getItem(itemId);
    if (!item) {
      throw new FeedCommandError(
        feedErrorCodes.itemNotFound,
        `There is no item #${itemId}; list the items to see their ids.`,
      );
    }
    return item;
  }

  #checkFolder(folderId: string | null): void {
    if (folderId === null) return;
    const folders = this.#options.getConfig().folders;
    if (!folders.some((folder) => folder.id === folderId)) {
      throw new FeedCommandError(
        feedErrorCodes.folderNotFound,
        `There is no watched folder "${folderId}"; the folders are: ${folders.map((folder) => folder.id).join(', ') || 'none'}.`,
      );
    }
  }

  #require<T>(operation: T | undefined, what: string): T {
    if (operation === undefined) {
      throw new FeedCommandError(
        feedErrorCodes.unavailable,
        `${what} is not available in this agent yet.`,
      );
    }
    return operation;
  }
}

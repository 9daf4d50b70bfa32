import type { Config } from '../../../../shared/config-schema.ts';
import { isTenantConfigured } from '../../../../shared/config-schema.ts';
import type {
  ConnectionView,
  DeliveryView,
  FolderHealth,
} from '../../../../shared/feed-protocol.ts';
import type { EventBus } from '../../events/index.ts';
import type { Disposable } from '../../lifecycle/index.ts';

/** What the capabilities that own these states report, when the agent has them. */
export interface StateReporters {
  /** Whether delivery is paused. */
  deliveryState?(): DeliveryView;
  /** The breaker and what delivery knows of the connection. */
  connectionState?(): Omit<ConnectionView, 'isConfigured'>;
  /** Whether intake can read a watched folder. */
  folderHealth?(folderId: string): FolderHealth;
}

/**
 * Delivery's pause state, the SharePoint connection and each folder's health, as the capability
 * that owns them reports it, or, when this agent has no such capability, as the feed heard it
 * on the event bus (connection.changed, folder.available/unavailable, delivery.paused/resumed),
 * or else "unknown".
 */
export class ReportedState implements Disposable {
  readonly #reporters: StateReporters;
  readonly #subscription: Disposable;
  #connection: Omit<ConnectionView, 'isConfigured'> | undefined;
  readonly #folders = new Map<string, FolderHealth>();
  #delivery: DeliveryView | undefined;

  constructor(bus: EventBus, reporters: StateReporters) {
    this.#reporters = reporters;
    this.#subscription = bus.onDidAny((event) => {
      if (event.seq === undefined) return;
      if (event.type === 'connection.changed') {
        this.#connection = {
          ...event.data,
          status:
            event.data.status ?? (event.data.breaker === 'closed' ? 'ready' : 'paused-by-breaker'),
          changedAt: event.at,
        };
      } else if (event.type === 'folder.available' || event.type === 'folder.unavailable') {
        const isAvailable = event.type === 'folder.available';
        this.#folders.set(event.data.folderId, {
          status: isAvailable ? 'available' : 'unavailable',
          reason: event.type === 'folder.unavailable' ? event.data.reason : null,
          changedAt: event.at,
        });
      } else if (event.type === 'delivery.paused' || event.type === 'delivery.resumed') {
        this.#delivery = applyPause(
          this.#delivery ?? { isPaused: false, pausedFolderIds: [] },
          event.data.folderId,
          event.type === 'delivery.paused',
        );
      }
    });
  }

  /** Whether delivery is paused, for everything or for some folders. */
  delivery(): DeliveryView {
    return (
      this.#reporters.deliveryState?.() ??
      this.#delivery ?? { isPaused: false, pausedFolderIds: [] }
    );
  }

  /** The SharePoint connection; without a report, "not configured" or "not checked yet". */
  connection(config: Config): ConnectionView {
    const isConfigured = isTenantConfigured(config);
    const reported = this.#reporters.connectionState?.() ?? this.#connection;
    if (reported) {
      const changedAt = reported.changedAt ?? this.#connection?.changedAt ?? null;
      return { ...reported, isConfigured, changedAt };
    }
    return {
      isConfigured,
      status: isConfigured ? 'unknown' : 'not-configured',
      breaker: 'closed',
      nextProbeAt: null,
      detail: isConfigured
        ? 'Not checked yet.'
        : 'SharePoint is not connected: set the site, tenant and client id in Settings.',
      changedAt: null,
    };
  }

  /** Whether intake can read a watched folder. */
  folderHealth(folderId: string): FolderHealth {
    return (
      this.#reporters.folderHealth?.(folderId) ??
      this.#folders.get(folderId) ?? { status: 'unknown', reason: null, changedAt: null }
    );
  }

  /** Stops listening to the bus. */
  close(): void {
    void this.#subscription.close();
  }
}

function applyPause(state: DeliveryView, folderId: string | null, isPaused: boolean): DeliveryView {
  if (folderId === null)
    return { isPaused, pausedFolderIds: isPaused ? state.pausedFolderIds : [] };
  const others = state.pausedFolderIds.filter((id) => id !== folderId);
  return { isPaused: state.isPaused, pausedFolderIds: isPaused ? [...others, folderId] : others };
}

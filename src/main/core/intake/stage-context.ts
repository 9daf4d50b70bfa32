import type { FolderConfig } from '../../../shared/config-schema.ts';
import type { Clock } from '../lifecycle/index.ts';
import type { Logger } from '../logging/index.ts';
import type { Store } from '../store/index.ts';
import type { FolderFiles } from './folder-files.ts';

/** What every stage of one folder's intake (watching, settling, recording, scanning) shares. */
export interface StageContext {
  folder: FolderConfig;
  store: Store;
  clock: Clock;
  /** The folder's logger (its lines name the folder). */
  logger: Logger;
  files: FolderFiles;
  /** Whether the folder's intake closed: nothing new starts then. */
  isClosed: () => boolean;
  /** Tracks background work: the folder's close waits for it, and a failure is logged. */
  track: (work: Promise<void>) => void;
}

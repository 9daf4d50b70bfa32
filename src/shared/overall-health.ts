/**
 * The agent's overall health in one word, for the tray icon and the window's header.
 *
 * Defined once here so the desktop shell and the renderer agree on what "needs attention"
 * means (issue 6). Pure: no Node, no DOM.
 */
import type { ItemState } from './item-state.ts';

/** The four looks of the tray icon, from best to worst news. */
export const overallHealthStates = ['ok', 'working', 'paused', 'attention'] as const;

/** One look of the tray icon. */
export type OverallHealth = (typeof overallHealthStates)[number];

/** What overall health is computed from. */
export interface HealthInputs {
  /** Items by state (missing states count as zero). */
  counts: Partial<Record<ItemState, number>>;
  /** Delivery paused for every folder (by a person, from the tray or the window). */
  isPaused: boolean;
  /** The circuit breaker: open means SharePoint is failing and delivery waits to probe. */
  breaker: 'closed' | 'open' | 'half-open';
  /** How many watched folders cannot be read (unplugged drive, offline share). */
  unavailableFolderCount: number;
}

const workingStates: readonly ItemState[] = [
  'detected',
  'queued',
  'uploading',
  'verifying',
  'retrying',
];

/**
 * The overall health: `attention` when a person is needed (a failed item, SharePoint failing,
 * a folder that cannot be read), else `paused` when delivery is paused, else `working` while
 * files wait for or are in delivery, else `ok`.
 *
 * Quarantined items do not keep the icon in `attention`: the file was moved aside with an
 * `.error.txt` next to it and the person was notified; a permanent red icon for a handled
 * file would teach people to ignore the icon.
 */
export function overallHealth(inputs: HealthInputs): OverallHealth {
  const count = (state: ItemState) => inputs.counts[state] ?? 0;
  if (count('failed') > 0 || inputs.breaker === 'open' || inputs.unavailableFolderCount > 0) {
    return 'attention';
  }
  if (inputs.isPaused) return 'paused';
  if (workingStates.some((state) => count(state) > 0)) return 'working';
  return 'ok';
}

/**
 * The agent's overall health in one word, for the tray icon and the window's header.
 *
 * Defined once here so the desktop shell and the renderer agree on what "needs attention"
 * means (docs/ui.md, "Screens"). Pure: no Node, no DOM.
 */
import type { ItemState } from './item-state.ts';
import { countInGroup } from './state-vocabulary.ts';

/** The five looks of the tray icon, from best to worst news. */
export const overallHealthStates = ['ok', 'working', 'waiting', 'paused', 'attention'] as const;

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
  /** The sign-in service refused the signed-in person's sign-in: someone must sign in again. */
  isSignInRequired?: boolean;
  /** SharePoint asked SiteDrop to hold off (Retry-After) until a time not yet passed. */
  isThrottled?: boolean;
}

/**
 * The overall health: `attention` when a person is needed (a file that needs you: failed or set
 * aside; a folder that cannot be read; a sign-in to renew), else `paused` when a person paused
 * delivery, else `waiting` while SharePoint is failing (the breaker is open) or asked SiteDrop
 * to hold off, else `working` while files are on their way or will be retried, else `ok`.
 *
 * A set-aside (quarantined) file was never sent: until someone corrects it and drops it again,
 * "All good" would be untrue, so it counts as needing a person like a failed one. An outage or
 * throttling is not: SiteDrop waits it out by itself, so it is not red.
 */
export function overallHealth(inputs: HealthInputs): OverallHealth {
  if (
    countInGroup(inputs.counts, 'needs-you') > 0 ||
    inputs.unavailableFolderCount > 0 ||
    inputs.isSignInRequired === true
  ) {
    return 'attention';
  }
  if (inputs.isPaused) return 'paused';
  if (inputs.breaker === 'open' || inputs.isThrottled === true) return 'waiting';
  if (countInGroup(inputs.counts, 'on-its-way') + countInGroup(inputs.counts, 'will-retry') > 0) {
    return 'working';
  }
  return 'ok';
}

/** What the health says in words when a person must sign in again (the tray's tooltip too). */
export const signInAgainSentence = 'Needs attention: sign in again';

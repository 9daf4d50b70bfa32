/**
 * The item lifecycle, defined once for the agent, the feed and the UI (docs/architecture.md, rule 3).
 *
 * Main path: detected → queued → uploading → verifying → delivered.
 * Side exits: retrying (waits for its next attempt time), failed (needs a person; Retry puts it
 * back to queued), quarantined (bad input, never sent), skipped (duplicate of content already
 * delivered), gone (the local file vanished before it was sent), cancelled (a person cancelled it).
 */
import { z } from 'zod';

export const itemStates = [
  'detected',
  'queued',
  'uploading',
  'verifying',
  'delivered',
  'retrying',
  'failed',
  'quarantined',
  'skipped',
  'gone',
  'cancelled',
] as const;

export const ItemStateSchema = z.enum(itemStates);

/** One state of an item's lifecycle. */
export type ItemState = z.infer<typeof ItemStateSchema>;

/** States in which an item is finished and will not move without a person or a new file version. */
export const terminalItemStates: readonly ItemState[] = [
  'delivered',
  'failed',
  'quarantined',
  'skipped',
  'gone',
  'cancelled',
];

/** States in which an item still waits for, or is in, delivery. */
export const pendingItemStates: readonly ItemState[] = [
  'detected',
  'queued',
  'uploading',
  'verifying',
  'retrying',
];

/**
 * Which state may follow which. A transition outside this table is a bug (a broken invariant),
 * and the store refuses it. Every terminal state may be re-queued: by Retry (failed, cancelled),
 * or because a new version of the same file arrived (delivered, skipped, gone, quarantined).
 */
export const allowedTransitions: Readonly<Record<ItemState, readonly ItemState[]>> = {
  detected: ['queued', 'quarantined', 'skipped', 'gone'],
  queued: ['uploading', 'quarantined', 'skipped', 'gone', 'cancelled', 'queued', 'failed'],
  uploading: ['verifying', 'retrying', 'failed', 'queued', 'gone', 'cancelled', 'delivered'],
  verifying: ['delivered', 'retrying', 'failed', 'queued'],
  // retrying → verifying: an uploaded file SharePoint gave no hash for is read again, not sent.
  retrying: ['uploading', 'verifying', 'queued', 'failed', 'gone', 'cancelled'],
  delivered: ['queued'],
  failed: ['queued', 'gone', 'cancelled'],
  quarantined: ['queued'],
  skipped: ['queued'],
  gone: ['queued'],
  cancelled: ['queued'],
};

/** Whether the lifecycle allows moving from one state to another. */
export function canTransition(from: ItemState, to: ItemState): boolean {
  return allowedTransitions[from].includes(to);
}

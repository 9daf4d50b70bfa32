/**
 * The words people read for item states, defined once for the window and `sitedrop status`.
 *
 * Every count a person sees is one of these groups, and a state belongs to exactly one group,
 * so no figure on one screen can contradict another (a retrying file is "Will retry", never
 * also a problem; a set-aside file "Needs you" like a failed one). The state keys themselves
 * (`src/shared/item-state.ts`) stay the protocol's and `status --json`'s vocabulary.
 * Pure: no Node, no DOM.
 */
import { formatCount } from './format/count.ts';
import type { ItemState } from './item-state.ts';

/** The groups of states a person thinks in, in the order they are shown. */
export const itemStateGroupKeys = [
  'on-its-way',
  'will-retry',
  'needs-you',
  'delivered',
  'skipped',
  'not-sent',
] as const;

/** One group of states. */
export type ItemStateGroupKey = (typeof itemStateGroupKeys)[number];

/** A group's words and members. */
export interface ItemStateGroup {
  key: ItemStateGroupKey;
  /** The group's name on tiles, columns, filters and in the CLI. */
  label: string;
  /** One sentence: what a file in this group is doing and who acts next. */
  meaning: string;
  states: readonly ItemState[];
}

/** Every group with its members; each state is in exactly one. */
export const itemStateGroups: Readonly<Record<ItemStateGroupKey, ItemStateGroup>> = {
  'on-its-way': {
    key: 'on-its-way',
    label: 'On its way',
    meaning: 'Found, waiting its turn, uploading or being checked in SharePoint. Nothing to do.',
    states: ['detected', 'queued', 'uploading', 'verifying'],
  },
  'will-retry': {
    key: 'will-retry',
    label: 'Will retry',
    meaning: 'An attempt did not succeed; SiteDrop tries again by itself at the time shown.',
    states: ['retrying'],
  },
  'needs-you': {
    key: 'needs-you',
    label: 'Needs you',
    meaning:
      'SharePoint refused it (failed) or it cannot be sent as it is (set aside): a person must act.',
    states: ['failed', 'quarantined'],
  },
  delivered: {
    key: 'delivered',
    label: 'Delivered',
    meaning: 'In SharePoint, checked against the file that was dropped.',
    states: ['delivered'],
  },
  skipped: {
    key: 'skipped',
    label: 'Skipped',
    meaning: 'The same content was already delivered, so it was not sent again.',
    states: ['skipped'],
  },
  'not-sent': {
    key: 'not-sent',
    label: 'Not sent',
    meaning: 'The file was removed before it was sent, or someone cancelled it.',
    states: ['gone', 'cancelled'],
  },
};

/** Each single state in words people use (badges, the detail, CLI item lines). */
export const itemStateLabels: Readonly<Record<ItemState, string>> = {
  detected: 'Found',
  queued: 'Queued',
  uploading: 'Uploading',
  verifying: 'Checking',
  delivered: 'Delivered',
  retrying: 'Will retry',
  failed: 'Failed',
  quarantined: 'Set aside',
  skipped: 'Skipped',
  gone: 'File removed',
  cancelled: 'Cancelled',
};

/** The group a state belongs to. */
export function groupOfState(state: ItemState): ItemStateGroup {
  for (const key of itemStateGroupKeys) {
    if (itemStateGroups[key].states.includes(state)) return itemStateGroups[key];
  }
  throw new Error(`The state ${state} is in no group of src/shared/state-vocabulary.ts`);
}

/** How many items a group holds, from counts by state (missing states count as zero). */
export function countInGroup(
  counts: Partial<Record<ItemState, number>>,
  key: ItemStateGroupKey,
): number {
  return itemStateGroups[key].states.reduce((total, state) => total + (counts[state] ?? 0), 0);
}

/** Whether a string is a group key (an activity filter value, for one). */
export function isItemStateGroupKey(value: string): value is ItemStateGroupKey {
  return (itemStateGroupKeys as readonly string[]).includes(value);
}

/**
 * The non-zero states of a group of several, as "2 failed, 4 set aside"; '' for a group of one
 * state or with none of its states counted. The dashboard's tiles and `sitedrop status` both
 * print it.
 */
export function describeGroupBreakdown(
  counts: Partial<Record<ItemState, number>>,
  key: ItemStateGroupKey,
): string {
  const { states } = itemStateGroups[key];
  if (states.length < 2) return '';
  return states
    .filter((state) => (counts[state] ?? 0) > 0)
    .map((state) => `${formatCount(counts[state] ?? 0)} ${itemStateLabels[state].toLowerCase()}`)
    .join(', ');
}

/**
 * An item's state as a word with a symbol and a colour: never colour alone, so it reads in
 * both themes, in high contrast and for colour-blind people.
 */
import type { ItemState } from '../../shared/item-state.ts';

/** Each state in words people use. */
export const stateLabels: Readonly<Record<ItemState, string>> = {
  detected: 'Detected',
  queued: 'Waiting',
  uploading: 'Uploading',
  verifying: 'Checking',
  delivered: 'Delivered',
  retrying: 'Will retry',
  failed: 'Failed',
  quarantined: 'Set aside',
  skipped: 'Already there',
  gone: 'File removed',
  cancelled: 'Cancelled',
};

const stateSymbols: Readonly<Record<ItemState, string>> = {
  detected: '•',
  queued: '…',
  uploading: '↑',
  verifying: '↻',
  delivered: '✓',
  retrying: '↻',
  failed: '!',
  quarantined: '⚠',
  skipped: '=',
  gone: '–',
  cancelled: '×',
};

/** The look (colour family) of each state. */
export function stateTone(state: ItemState): 'good' | 'busy' | 'warn' | 'bad' | 'muted' {
  switch (state) {
    case 'delivered':
      return 'good';
    case 'queued':
    case 'detected':
    case 'uploading':
    case 'verifying':
      return 'busy';
    case 'retrying':
    case 'quarantined':
      return 'warn';
    case 'failed':
      return 'bad';
    default:
      return 'muted';
  }
}

/** The state of one item as a small labelled badge. */
export function StateBadge(props: { state: ItemState }) {
  return (
    <span className={`badge tone-${stateTone(props.state)}`} data-state={props.state}>
      <span aria-hidden="true">{stateSymbols[props.state]}</span> {stateLabels[props.state]}
    </span>
  );
}

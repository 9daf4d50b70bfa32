/**
 * An item's state as a word with a symbol and a colour: never colour alone, so it reads in
 * both themes, in high contrast and for colour-blind people. The words are the shared
 * vocabulary's (src/shared/state-vocabulary.ts), the same as `sitedrop status` prints.
 */
import type { ItemState } from '../../shared/item-state.ts';
import { itemStateLabels } from '../../shared/state-vocabulary.ts';

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
      <span aria-hidden="true">{stateSymbols[props.state]}</span> {itemStateLabels[props.state]}
    </span>
  );
}

import { describe, expect, it } from 'vitest';
import { itemStates } from '../../../src/shared/item-state.ts';
import {
  countInGroup,
  groupOfState,
  itemStateGroupKeys,
  itemStateGroups,
} from '../../../src/shared/state-vocabulary.ts';

describe('the state vocabulary', () => {
  it('puts every state in exactly one group, so no file is counted twice', () => {
    const members = itemStateGroupKeys.flatMap((key) => itemStateGroups[key].states);
    expect([...members].sort()).toEqual([...itemStates].sort());
  });

  it('groups states as a site office reads them', () => {
    expect(groupOfState('verifying').label).toBe('On its way');
    expect(groupOfState('retrying').label).toBe('Will retry');
    expect(groupOfState('quarantined').label).toBe('Needs you');
    expect(groupOfState('failed').label).toBe('Needs you');
    expect(groupOfState('skipped').label).toBe('Skipped');
  });

  it('adds the counts of a group, missing states as zero', () => {
    const counts = { queued: 2, uploading: 1, retrying: 1, failed: 1, quarantined: 4 };
    expect(countInGroup(counts, 'on-its-way')).toBe(3);
    expect(countInGroup(counts, 'will-retry')).toBe(1);
    expect(countInGroup(counts, 'needs-you')).toBe(5);
    expect(countInGroup(counts, 'delivered')).toBe(0);
  });
});

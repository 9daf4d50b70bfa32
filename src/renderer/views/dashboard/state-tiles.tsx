/**
 * "Files by state": one tile per group of the shared vocabulary (On its way, Will retry, Needs
 * you, …), each a link to the activity list filtered to that group, with the states of a group
 * of several underneath ("2 failed, 4 set aside"). A tile's accessible name is its visible text,
 * so what a screen reader says is what a sighted person reads.
 */
import type { StateCounts } from '../../../shared/feed-protocol.ts';
import { formatCount } from '../../../shared/format/count.ts';
import {
  countInGroup,
  describeGroupBreakdown,
  itemStateGroupKeys,
  itemStateGroups,
} from '../../../shared/state-vocabulary.ts';
import { Link } from '../../router.tsx';

/** The tiles of every group. */
export function StateTiles(props: { counts: StateCounts }) {
  const { counts } = props;
  return (
    <ul className="counts">
      {itemStateGroupKeys.map((key) => {
        const breakdown = describeGroupBreakdown(counts, key);
        return (
          <li key={key}>
            <Link to={`/activity?state=${key}`} data-group={key}>
              <span className="count-number">{formatCount(countInGroup(counts, key))}</span>{' '}
              <span className="count-label">{itemStateGroups[key].label}</span>
              {breakdown ? (
                <>
                  {' '}
                  <span className="count-breakdown small">{breakdown}</span>
                </>
              ) : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

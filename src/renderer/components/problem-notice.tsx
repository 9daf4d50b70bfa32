/**
 * An item's problem as three sentences people can act on: what happened, what SiteDrop will
 * do next, what you can do. The stable code is shown small, for the admin.
 */
import type { ItemView } from '../../shared/feed-protocol.ts';
import { describeProblem } from '../problems/describe-problem.ts';

/** The problem box of an item; renders nothing when the item has no problem. */
export function ProblemNotice(props: { item: ItemView; headingLevel?: 2 | 3 }) {
  const problem = describeProblem(props.item);
  if (problem === undefined) return null;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section
      className={`problem ${problem.needsPerson ? 'tone-bad' : 'tone-warn'}`}
      aria-label="Problem"
    >
      <Heading>{problem.title}</Heading>
      <dl>
        <dt>What happened</dt>
        <dd>{problem.whatHappened}</dd>
        <dt>What SiteDrop will do</dt>
        <dd>{problem.whatNext}</dd>
        <dt>What you can do</dt>
        <dd>{problem.whatYouCanDo}</dd>
      </dl>
      {props.item.errorCode ? (
        <p className="muted small">
          Code: <code>{props.item.errorCode}</code>
        </p>
      ) : null}
    </section>
  );
}

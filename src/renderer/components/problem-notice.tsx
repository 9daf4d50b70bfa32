/**
 * An item's problem in words people act on: what happened (one plain sentence chosen by its
 * error code), what SiteDrop will do next, what you can do, and the one action that helps most
 * (Retry, Show the note, Open settings, Try now or Sign in). The agent's own message, the stable
 * code and the HTTP status are for whoever fixes SharePoint: they sit in "Details for your
 * admin", closed until opened.
 */
import type { ItemView } from '../../shared/feed-protocol.ts';
import { useFeed } from '../feed/feed-context.tsx';
import { describeProblem, type PrimaryAction } from '../problems/describe-problem.ts';
import { Link } from '../router.tsx';
import { TryNowButton } from './try-now-button.tsx';

/** The id of the set-aside note's section on an item's page, which "Show the note" moves to. */
export const setAsideNoteId = 'set-aside-note';

/** The problem box of an item; renders nothing when the item has no problem. */
export function ProblemNotice(props: {
  item: ItemView;
  headingLevel?: 2 | 3;
  /** Retries the item; without it, Retry is not offered here (the caller offers it). */
  onRetry?: () => void;
  /** The HTTP status of the item's last attempt, when it had one. */
  httpStatus?: number | null;
}) {
  const problem = describeProblem(props.item);
  if (problem === undefined) return null;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  const { errorCode } = props.item;
  const hasDetails =
    problem.detailsForAdmin !== null || errorCode !== null || (props.httpStatus ?? null) !== null;
  return (
    <section
      className={`problem ${problem.needsPerson ? 'tone-bad' : 'tone-warn'}`}
      aria-label="Problem"
      data-primary-action={problem.primaryAction ?? undefined}
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
      {problem.primaryAction ? (
        <p className="actions">
          <PrimaryActionControl action={problem.primaryAction} onRetry={props.onRetry} />
        </p>
      ) : null}
      {hasDetails ? (
        <details className="admin-details">
          <summary>Details for your admin</summary>
          <dl className="pairs">
            {problem.detailsForAdmin !== null ? (
              <>
                <dt>What SiteDrop recorded</dt>
                <dd>{problem.detailsForAdmin}</dd>
              </>
            ) : null}
            {(props.httpStatus ?? null) !== null ? (
              <>
                <dt>HTTP status</dt>
                <dd>{props.httpStatus}</dd>
              </>
            ) : null}
            {errorCode !== null ? (
              <>
                <dt>Code</dt>
                <dd>
                  <code>{errorCode}</code>
                </dd>
              </>
            ) : null}
          </dl>
        </details>
      ) : null}
    </section>
  );
}

function PrimaryActionControl(props: {
  action: PrimaryAction;
  onRetry?: (() => void) | undefined;
}) {
  const feed = useFeed();
  switch (props.action) {
    case 'retry':
      return props.onRetry ? (
        <button type="button" className="primary" onClick={props.onRetry}>
          Retry
        </button>
      ) : null;
    case 'try-now':
      return <TryNowButton feed={feed} />;
    case 'open-settings':
      return <Link to="/settings">Open settings</Link>;
    case 'sign-in':
      return <Link to="/settings">Sign in</Link>;
    case 'show-note':
      return (
        <button type="button" onClick={showNote}>
          Show the note
        </button>
      );
  }
}

/** Moves to the set-aside note's section and focuses it, so a screen reader reads it next. */
function showNote(): void {
  const note = document.getElementById(setAsideNoteId);
  if (note === null) return;
  note.scrollIntoView({ block: 'start' });
  note.focus();
}

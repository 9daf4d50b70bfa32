/**
 * The dashboard's Responses panel: head office's latest answers, with Check now, which asks the
 * agent to look in SharePoint at once (the agent otherwise checks every few minutes).
 */
import type { Feed } from '../../feed/feed-context.tsx';
import { useResponses } from '../../feed/use-responses.ts';
import { Link } from '../../router.tsx';
import { ResponsesTable } from './responses-table.tsx';

/** How many responses the dashboard shows; the Responses filter of Activity lists more. */
const panelResponseCount = 5;

/** The Responses panel. */
export function ResponsesPanel(props: { feed: Feed }) {
  const { responses, isChecking, checkError, checkNow } = useResponses(props.feed);
  const canCheck = props.feed.connection?.isAvailable('checkResponsesNow') ?? false;
  return (
    <section className="card" aria-labelledby="responses-title" data-testid="responses-panel">
      <h2 id="responses-title">Responses</h2>
      {responses === undefined ? (
        <p className="muted">Loading…</p>
      ) : responses.length === 0 ? (
        <p className="muted">
          No responses yet. Files head office puts into the responses folder in SharePoint arrive
          here.
        </p>
      ) : (
        <>
          <ResponsesTable
            responses={responses.slice(0, panelResponseCount)}
            caption="Latest responses"
          />
          <p>
            <Link to="/activity?state=responses">All responses</Link>
          </p>
        </>
      )}
      {canCheck ? (
        <p>
          <button type="button" onClick={checkNow} disabled={isChecking}>
            {isChecking ? 'Checking…' : 'Check now'}
          </button>
        </p>
      ) : null}
      {checkError !== null ? (
        <p role="alert" className="error-text">
          {checkError}
        </p>
      ) : null}
    </section>
  );
}

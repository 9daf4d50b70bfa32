/**
 * Activity with the Responses filter: head office's responses, newest first, linked or not
 * (an unlinked response is still brought and listed).
 */
import { useFeedState } from '../../feed/feed-context.tsx';
import { useResponses } from '../../feed/use-responses.ts';
import { Filters } from '../activity/activity-filters.tsx';
import { ResponsesTable } from './responses-table.tsx';

/** The responses list of the activity screen. */
export function ResponsesActivity() {
  const feed = useFeedState();
  const { responses } = useResponses(feed);
  return (
    <div className="stack activity">
      <Filters stateFilter="responses" folderFilter="" query="" feed={feed} />
      <p className="muted" role="status" aria-live="polite" data-testid="activity-summary">
        {responses === undefined
          ? 'Loading…'
          : `${responses.length} response${responses.length === 1 ? '' : 's'}`}
      </p>
      {responses !== undefined && responses.length === 0 ? (
        <p>No responses yet. Files head office puts into the responses folder arrive here.</p>
      ) : null}
      {responses !== undefined && responses.length > 0 ? (
        <ResponsesTable responses={responses} caption="Responses, newest first" />
      ) : null}
    </div>
  );
}

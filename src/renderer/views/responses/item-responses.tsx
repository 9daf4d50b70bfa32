/**
 * On a request's page: head office's responses to it. "Response ready" with the file to open
 * once one arrived; the others (on their way, needing a person) by their state.
 */
import type { Feed } from '../../feed/feed-context.tsx';
import { useResponses } from '../../feed/use-responses.ts';
import { describeResponseState } from '../../../shared/response-vocabulary.ts';
import { Link } from '../../router.tsx';
import { OpenResponseFile } from './open-response-file.tsx';

/** The responses linked to the request `requestId`, or nothing while there are none. */
export function ItemResponses(props: { feed: Feed; requestId: string }) {
  const { responses } = useResponses(props.feed);
  const linked = (responses ?? []).filter((response) => response.requestId === props.requestId);
  if (linked.length === 0) return null;
  return (
    <section className="card" aria-labelledby="item-responses-title" data-testid="item-responses">
      <h2 id="item-responses-title">
        {linked.some((response) => response.state === 'ready')
          ? 'Response ready'
          : 'Response from head office'}
      </h2>
      <ul className="plain-list">
        {linked.map((response) => (
          <li key={response.id} data-response-id={response.id}>
            <Link to={`/responses/${response.id}`}>{response.name}</Link>:{' '}
            {describeResponseState(response)}
            {response.state === 'ready' && response.localPath !== null ? (
              <OpenResponseFile responseId={response.id} localPath={response.localPath} />
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

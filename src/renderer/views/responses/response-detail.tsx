/**
 * One response: where it is in SharePoint and on this computer, its size, the request it
 * answers, the sentence for a person when it needs one, and its state history. A response
 * deleted in SharePoint after it arrived keeps its local copy, and the page says so.
 */
import type { CommandResult } from '../../../shared/feed-protocol.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { describeResponseState } from '../../../shared/response-vocabulary.ts';
import { useFeedState } from '../../feed/feed-context.tsx';
import { useRefreshedAnswer } from '../../feed/use-refreshed-answer.ts';
import { formatDateTime } from '../../format/format.ts';
import { Link } from '../../router.tsx';
import { OpenResponseFile } from './open-response-file.tsx';

type ResponseDetailState = CommandResult<'getResponse'>;

/** The response detail screen for one response id. */
export function ResponseDetail(props: { responseId: number }) {
  const feed = useFeedState();
  const [detail, , loadError] = useRefreshedAnswer<ResponseDetailState>(
    feed,
    (connection) => connection.request('getResponse', { responseId: props.responseId }),
    (state, listener) => state.onDidChangeResponses(listener),
    String(props.responseId),
  );

  if (detail === undefined) {
    return loadError === undefined ? (
      <p className="muted">Loading…</p>
    ) : (
      <p role="alert">{loadError}</p>
    );
  }
  const { response, events } = detail;
  const isKeptAfterDeletion = response.skipReason === 'deleted' && response.localPath !== null;
  return (
    <div className="stack response-detail" data-response-id={response.id}>
      <p>
        <Link to="/activity?state=responses">← Back to Responses</Link>
      </p>
      <h2>{response.name}</h2>
      <p data-testid="response-state">{describeResponseState(response)}</p>
      {isKeptAfterDeletion ? (
        <p data-testid="response-kept">
          Deleted in SharePoint. The copy on this computer is kept: {response.localPath}
        </p>
      ) : null}
      {response.errorMessage !== null ? <p role="alert">{response.errorMessage}</p> : null}
      <dl className="facts">
        <dt>In SharePoint</dt>
        <dd data-testid="response-remote-path">{response.remotePath ?? 'Not known'}</dd>
        <dt>On this computer</dt>
        <dd data-testid="response-local-path">{response.localPath ?? 'Not here yet'}</dd>
        <dt>Size</dt>
        <dd>{response.sizeBytes === null ? 'Not known' : formatBytes(response.sizeBytes)}</dd>
        <dt>Request</dt>
        <dd>
          {response.requestId === null ? (
            'Not linked to a request'
          ) : (
            <Link to={`/activity?q=${encodeURIComponent(response.requestId)}`}>
              {response.requestId}
            </Link>
          )}
        </dd>
      </dl>
      {response.state === 'ready' && response.localPath !== null ? (
        <OpenResponseFile responseId={response.id} localPath={response.localPath} />
      ) : null}
      <section aria-labelledby="response-history-title">
        <h3 id="response-history-title">History</h3>
        <ol className="history">
          {events.map((event) => (
            <li key={event.seq}>
              {formatDateTime(event.at)}: {event.type.replace('response.', '')}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

/**
 * Responses as a table: name (to its detail page), state in the UI's words, the request it
 * answers (to that request's files) and size. Shared by the dashboard's Responses panel and the
 * activity list's Responses filter.
 */
import type { ResponseView } from '../../../shared/feed-protocol.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { describeResponseState } from '../../../shared/response-vocabulary.ts';
import { Link } from '../../router.tsx';

/** The responses given, in their order. */
export function ResponsesTable(props: { responses: readonly ResponseView[]; caption: string }) {
  return (
    <div className="table-scroll">
      <table className="responses-table">
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Response</th>
            <th scope="col">State</th>
            <th scope="col">Request</th>
            <th scope="col">Size</th>
          </tr>
        </thead>
        <tbody>
          {props.responses.map((response) => (
            <tr key={response.id} data-response-id={response.id} data-state={response.state}>
              <th scope="row">
                <Link to={`/responses/${response.id}`}>{response.name}</Link>
              </th>
              <td>{describeResponseState(response)}</td>
              <td>
                {response.requestId === null ? (
                  <span className="muted">Not linked to a request</span>
                ) : (
                  <Link to={`/activity?q=${encodeURIComponent(response.requestId)}`}>
                    {response.requestId}
                  </Link>
                )}
              </td>
              <td>{response.sizeBytes === null ? '—' : formatBytes(response.sizeBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

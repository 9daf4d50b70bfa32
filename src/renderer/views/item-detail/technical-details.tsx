/**
 * What only support needs of an item: its number, its hashes, and each attempt's HTTP status,
 * error code and the agent's own message (written for whoever fixes SharePoint). Closed until opened, so the page reads in plain words for everyone else.
 */
import type { CommandResult, ItemView } from '../../../shared/feed-protocol.ts';

/** The Technical details disclosure of one item. */
export function TechnicalDetails(props: {
  item: ItemView;
  attempts: CommandResult<'getItem'>['attempts'];
}) {
  const { item, attempts } = props;
  const answered = attempts.filter(
    (attempt) =>
      attempt.httpStatus !== null || attempt.errorCode !== null || attempt.errorMessage !== null,
  );
  return (
    <section className="card" aria-label="Technical details">
      <details className="technical-details">
        <summary>Technical details</summary>
        <dl className="pairs">
          <dt>File number</dt>
          <dd>{item.id}</dd>
          <dt>SHA-256</dt>
          <dd className="hash">{item.sha256 ?? '—'}</dd>
          <dt>quickXorHash</dt>
          <dd className="hash">{item.quickXorHash ?? '—'}</dd>
          {item.errorCode !== null ? (
            <>
              <dt>Code</dt>
              <dd>
                <code>{item.errorCode}</code>
              </dd>
            </>
          ) : null}
        </dl>
        {answered.length > 0 ? (
          <div className="table-scroll">
            <table>
              <caption>What SharePoint answered to each attempt</caption>
              <thead>
                <tr>
                  <th scope="col">Attempt</th>
                  <th scope="col">HTTP status</th>
                  <th scope="col">Code</th>
                  <th scope="col">SiteDrop's message</th>
                </tr>
              </thead>
              <tbody>
                {attempts.map((attempt, index) =>
                  answered.includes(attempt) ? (
                    <tr key={attempt.id}>
                      <td>{index + 1}</td>
                      <td>{attempt.httpStatus ?? '—'}</td>
                      <td>{attempt.errorCode ? <code>{attempt.errorCode}</code> : '—'}</td>
                      <td>{attempt.errorMessage ?? '—'}</td>
                    </tr>
                  ) : null,
                )}
              </tbody>
            </table>
          </div>
        ) : null}
      </details>
    </section>
  );
}

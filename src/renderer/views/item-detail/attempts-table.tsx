/**
 * Every upload attempt of an item, with its times, outcome and error in words; the HTTP status
 * and code of each are in Technical details (`technical-details.tsx`).
 */
import type { CommandResult } from '../../../shared/feed-protocol.ts';
import { formatDateTime } from '../../format/format.ts';

/** The Attempts card. */
export function AttemptsTable(props: { attempts: CommandResult<'getItem'>['attempts'] }) {
  const { attempts } = props;
  return (
    <section className="card" aria-labelledby="attempts-title">
      <h2 id="attempts-title">Attempts</h2>
      {attempts.length === 0 ? (
        <p>No upload attempt yet.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
                <th scope="col">Outcome</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((attempt, index) => (
                <tr key={attempt.id}>
                  <td>{index + 1}</td>
                  <td>{formatDateTime(attempt.startedAt)}</td>
                  <td>
                    {attempt.endedAt === null ? 'In progress' : formatDateTime(attempt.endedAt)}
                  </td>
                  <td>{attempt.outcome ?? '—'}</td>
                  <td>{attempt.errorMessage ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

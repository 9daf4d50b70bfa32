/**
 * Every upload attempt of an item, with its times, outcome and error in words; the HTTP status
 * and code of each are in Technical details (`technical-details.tsx`).
 */
import type { CommandResult } from '../../../shared/feed-protocol.ts';
import { ColumnHeaders } from '../../components/column-headers.tsx';
import { formatDateTime } from '../../format/format.ts';

/** The columns, named once for the header and for each cell's label when rows stack as cards. */
const columns = {
  number: '#',
  startedAt: 'Started',
  endedAt: 'Ended',
  outcome: 'Outcome',
  error: 'Error',
} as const;

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
            <ColumnHeaders labels={columns} />
            <tbody>
              {attempts.map((attempt, index) => (
                <tr key={attempt.id}>
                  <td data-label={columns.number}>{index + 1}</td>
                  <td data-label={columns.startedAt}>{formatDateTime(attempt.startedAt)}</td>
                  <td data-label={columns.endedAt}>
                    {attempt.endedAt === null ? 'In progress' : formatDateTime(attempt.endedAt)}
                  </td>
                  <td data-label={columns.outcome}>{attempt.outcome ?? '—'}</td>
                  <td data-label={columns.error}>{attempt.errorMessage ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * Every upload attempt of an item, with its times, outcome and what happened, in words; the HTTP
 * status, the code and the agent's own message of each are in Technical details
 * (`technical-details.tsx`).
 */
import type { AttemptView, CommandResult } from '../../../shared/feed-protocol.ts';
import { ColumnHeaders } from '../../components/column-headers.tsx';
import { formatDateTime } from '../../format/format.ts';
import { catalogueEntry } from '../../problems/problem-catalogue.ts';

/** An attempt's outcome as the agent records it, in the window's words. */
const outcomeWords: Readonly<Record<string, string>> = {
  delivered: 'Delivered',
  'already-there': 'Already in SharePoint',
  'hash-pending': "Sent; SharePoint's check to come",
  retrying: 'Will retry',
  deferred: 'Waiting for SharePoint',
  failed: 'Needs you',
  interrupted: 'Interrupted; sent again',
  changed: 'File changed while sending; sent again',
  cancelled: 'Cancelled',
  gone: 'File no longer there',
};

/** What an attempt's failure means, by its code (one sentence), or a dash when it had none. */
function whatHappened(attempt: AttemptView): string {
  if (attempt.errorCode === null && attempt.errorMessage === null) return '—';
  return catalogueEntry(attempt.errorCode, attempt.outcome !== 'failed').whatHappened;
}

/** The columns, named once for the header and for each cell's label when rows stack as cards. */
const columns = {
  number: '#',
  startedAt: 'Started',
  endedAt: 'Ended',
  outcome: 'Outcome',
  whatHappened: 'What happened',
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
                  <td data-label={columns.outcome}>
                    {attempt.outcome === null
                      ? '—'
                      : (outcomeWords[attempt.outcome] ?? attempt.outcome)}
                  </td>
                  <td data-label={columns.whatHappened}>{whatHappened(attempt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

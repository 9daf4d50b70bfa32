/**
 * A site request as a request: who asked for what, from which device and when, with its parts
 * and stock changes as small tables and every date in the reader's locale. The request file's
 * field names (`request_id`, `inventory_changes`) and ISO dates are the file's vocabulary, not
 * the reader's; fields the schema does not know are listed under their name, made readable.
 *
 * The metadata reached the page through the feed's item view, which the agent filled from a
 * request file it validated (src/shared/request-schema.ts); each value is still read with a type
 * check, because a newer agent may send more than this page knows.
 */
import { formatDateTime } from '../format/format.ts';
import { ColumnHeaders } from './column-headers.tsx';

type Fields = Readonly<Record<string, unknown>>;

/** The fields shown in the head of the card, in order, with their labels. */
const headFields: readonly { key: string; label: string; format?: (value: string) => string }[] = [
  { key: 'request_id', label: 'Request' },
  { key: 'requested_by', label: 'Requested by' },
  { key: 'site', label: 'Site' },
  { key: 'device_id', label: 'Device' },
  { key: 'timestamp', label: 'Sent at', format: formatInstant },
  { key: 'priority', label: 'Priority', format: capitalize },
  { key: 'notes', label: 'Notes' },
];

const tableFields = new Set(['parts', 'inventory_changes']);
const knownFields = new Set([...headFields.map((field) => field.key), ...tableFields]);

// A calendar date ("2026-12-01") is a day, not an instant: formatted in UTC, it never moves to
// the day before in a time zone west of Greenwich.
const calendarDate = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** The "Request" card of an item that came from a request file. */
export function RequestCard(props: { request: Fields }) {
  const { request } = props;
  const others = Object.entries(request).filter(([key]) => !knownFields.has(key));
  const parts = rowsOf(request.parts);
  const changes = rowsOf(request.inventory_changes);
  return (
    <section className="card request-card" aria-labelledby="request-title">
      <h2 id="request-title">Request</h2>
      <dl className="pairs">
        {headFields.map((field) => {
          const value = request[field.key];
          if (typeof value !== 'string' || value === '') return null;
          return (
            <div key={field.key} className="pair">
              <dt>{field.label}</dt>
              <dd>{field.format ? field.format(value) : value}</dd>
            </div>
          );
        })}
        {others.map(([key, value]) => (
          <div key={key} className="pair">
            <dt>{readableName(key)}</dt>
            <dd>{readableValue(value)}</dd>
          </div>
        ))}
      </dl>
      {parts.length > 0 ? <PartsTable parts={parts} /> : null}
      {changes.length > 0 ? <StockChangesTable changes={changes} /> : null}
    </section>
  );
}

/** The parts table's columns: its header and each cell's label when rows stack. */
const partColumns = {
  part: 'Part',
  description: 'Description',
  quantity: 'Quantity',
  neededBy: 'Needed by',
} as const;

/** The stock changes table's columns. */
const changeColumns = {
  part: 'Part',
  location: 'Location',
  change: 'Change',
  reason: 'Reason',
} as const;

function PartsTable(props: { parts: readonly Fields[] }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>Parts requested</caption>
        <ColumnHeaders labels={partColumns} />
        <tbody>
          {props.parts.map((part, index) => (
            <tr key={index}>
              <td data-label={partColumns.part}>{text(part.part_number)}</td>
              <td data-label={partColumns.description}>{text(part.description)}</td>
              <td data-label={partColumns.quantity}>
                {typeof part.quantity === 'number' ? part.quantity.toLocaleString() : '—'}
                {typeof part.unit === 'string' ? ` ${part.unit}` : ''}
              </td>
              <td data-label={partColumns.neededBy}>
                {typeof part.needed_by === 'string' ? formatDay(part.needed_by) : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StockChangesTable(props: { changes: readonly Fields[] }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>Stock changes</caption>
        <ColumnHeaders labels={changeColumns} />
        <tbody>
          {props.changes.map((change, index) => (
            <tr key={index}>
              <td data-label={changeColumns.part}>{text(change.part_number)}</td>
              <td data-label={changeColumns.location}>{text(change.location)}</td>
              <td data-label={changeColumns.change}>
                {typeof change.change === 'number' ? signed(change.change) : '—'}
              </td>
              <td data-label={changeColumns.reason}>{text(change.reason)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function rowsOf(value: unknown): Fields[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (row): row is Fields => typeof row === 'object' && row !== null && !Array.isArray(row),
  );
}

function text(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : '—';
}

/** "+25 added", "10 used": a stock change says which way it went in words, not only a sign. */
function signed(change: number): string {
  return change > 0
    ? `${change.toLocaleString()} added`
    : `${Math.abs(change).toLocaleString()} used`;
}

function formatInstant(value: string): string {
  const epochMs = Date.parse(value);
  return Number.isNaN(epochMs) ? value : formatDateTime(epochMs);
}

function formatDay(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  return calendarDate.format(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/** `cost_centre` → "Cost centre". */
function readableName(key: string): string {
  return capitalize(key.replace(/[_-]+/g, ' ').trim());
}

/** A value of a field this page does not know: text as it is, a list or object in short. */
function readableValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(readableValue).join(', ');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, inner]) => `${readableName(key)}: ${readableValue(inner)}`)
      .join('; ');
  }
  return '—';
}

/**
 * A folder's column mapping: each library column and the value it gets, a template such as
 * `{request_id}` or `{fileName}`.
 */
import { TextField } from '../form/settings-fields.tsx';
import type { FolderPartProps } from './folder-fields.tsx';

/** The column mapping editor of one folder. */
export function ColumnMapping(props: FolderPartProps) {
  const { folder, lockedReason, problemOf, onChange } = props;
  const at = (field: string) => `folders[${props.index}].${field}`;
  const columns = Object.entries(folder.target.columns);
  const setColumns = (entries: [string, string][]) =>
    onChange({ ...folder, target: { ...folder.target, columns: Object.fromEntries(entries) } });
  return (
    <div className="columns-editor">
      <h4>Column mapping</h4>
      <p className="hint">
        Library column and the value it gets, e.g. <code>{'{request_id}'}</code> or{' '}
        <code>{'{fileName}'}</code> (docs/delivery.md, “Columns”).
      </p>
      {columns.length === 0 ? <p className="muted small">No columns are filled in.</p> : null}
      {columns.map(([column, template], row) => (
        <div className="column-row" key={row}>
          <TextField
            label={`Column ${row + 1}`}
            field={at(`target.columns.${column}`)}
            value={column}
            lockedReason={lockedReason}
            onChange={(value) =>
              setColumns(columns.map((entry, at2) => (at2 === row ? [value, entry[1]] : entry)))
            }
          />
          <TextField
            label={`Value of column ${row + 1}`}
            field={at(`target.columns.${column}.value`)}
            value={template}
            problem={problemOf(at(`target.columns.${column}`))}
            lockedReason={lockedReason}
            onChange={(value) =>
              setColumns(columns.map((entry, at2) => (at2 === row ? [entry[0], value] : entry)))
            }
          />
          {lockedReason ? null : (
            <button
              type="button"
              onClick={() => setColumns(columns.filter((_, at2) => at2 !== row))}
            >
              Remove<span className="visually-hidden"> column {column}</span>
            </button>
          )}
        </div>
      ))}
      {lockedReason ? null : (
        <button
          type="button"
          onClick={() => setColumns([...columns, [`Column${columns.length + 1}`, '']])}
        >
          Add a column
        </button>
      )}
    </div>
  );
}

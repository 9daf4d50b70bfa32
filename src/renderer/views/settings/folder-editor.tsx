/**
 * The watched folders and where each one delivers: target library and folder, column
 * mapping, conflict and after-upload behaviour, include/exclude filters, intake (polling,
 * stability window, request files, names and duplicates, quarantine). A new folder starts
 * from the schema's defaults; the whole list is read-only when the policy sets it.
 */
import { FolderConfigSchema, type Config } from '../../../shared/config-schema.ts';
import {
  CheckboxField,
  LinesField,
  NumberField,
  SelectField,
  TextField,
} from './settings-fields.tsx';

type FolderConfig = Config['folders'][number];

/** The folder list section of the settings form. */
export function FolderEditor(props: {
  folders: readonly FolderConfig[];
  defaultLibrary: string;
  problemOf(field: string): string | undefined;
  lockedReason: string | undefined;
  onChange(folders: FolderConfig[]): void;
}) {
  const { folders, lockedReason } = props;
  const replace = (index: number, folder: FolderConfig) =>
    props.onChange(folders.map((current, at) => (at === index ? folder : current)));
  const add = () => {
    const folder = FolderConfigSchema.parse({ id: `folder-${folders.length + 1}`, path: '/' });
    props.onChange([...folders, { ...folder, path: '' }]);
  };
  return (
    <fieldset className="card">
      <legend>
        <h2>Watched folders</h2>
      </legend>
      {lockedReason ? (
        <p className="hint lock-reason">
          <span aria-hidden="true">🔒 </span>
          {lockedReason}
        </p>
      ) : null}
      {props.problemOf('folders') ? (
        <p className="problem-text" role="alert">
          Folders {props.problemOf('folders')}.
        </p>
      ) : null}
      {folders.length === 0 ? <p>No folder is watched.</p> : null}
      {folders.map((folder, index) => (
        <FolderFields
          key={index}
          index={index}
          folder={folder}
          defaultLibrary={props.defaultLibrary}
          problemOf={props.problemOf}
          lockedReason={lockedReason}
          onChange={(next) => replace(index, next)}
          onRemove={() => props.onChange(folders.filter((_, at) => at !== index))}
        />
      ))}
      {lockedReason ? null : (
        <button type="button" onClick={add}>
          Add a watched folder
        </button>
      )}
    </fieldset>
  );
}

function FolderFields(props: {
  index: number;
  folder: FolderConfig;
  defaultLibrary: string;
  problemOf(field: string): string | undefined;
  lockedReason: string | undefined;
  onChange(folder: FolderConfig): void;
  onRemove(): void;
}) {
  const { folder, index, lockedReason } = props;
  const at = (field: string) => `folders[${index}].${field}`;
  const name = folder.label ?? folder.id;
  const columns = Object.entries(folder.target.columns);
  const setColumns = (entries: [string, string][]) =>
    props.onChange({
      ...folder,
      target: { ...folder.target, columns: Object.fromEntries(entries) },
    });
  return (
    <section className="folder" aria-label={`Folder ${name}`}>
      <h3>{name}</h3>
      <div className="form-grid">
        <TextField
          label="Folder on this computer"
          field={at('path')}
          value={folder.path}
          placeholder="/srv/requests or C:\Requests"
          problem={props.problemOf(at('path'))}
          lockedReason={lockedReason}
          onChange={(value) => props.onChange({ ...folder, path: value })}
        />
        <TextField
          label="Name"
          field={at('label')}
          value={folder.label ?? ''}
          hint="What people see, e.g. “Site office”."
          problem={props.problemOf(at('label'))}
          lockedReason={lockedReason}
          onChange={(value) => {
            const next = { ...folder };
            if (value === '') delete next.label;
            else next.label = value;
            props.onChange(next);
          }}
        />
        <TextField
          label="Id"
          field={at('id')}
          value={folder.id}
          hint="Lower-case letters, digits and dashes; stays the same when the folder moves."
          problem={props.problemOf(at('id'))}
          lockedReason={lockedReason}
          onChange={(value) => props.onChange({ ...folder, id: value })}
        />
        <TextField
          label="Library"
          field={at('target.library')}
          value={folder.target.library ?? ''}
          placeholder={props.defaultLibrary}
          hint="Empty: the connection’s library."
          problem={props.problemOf(at('target.library'))}
          lockedReason={lockedReason}
          onChange={(value) => {
            const target = { ...folder.target };
            if (value === '') delete target.library;
            else target.library = value;
            props.onChange({ ...folder, target });
          }}
        />
        <TextField
          label="Folder in the library"
          field={at('target.folderPath')}
          value={folder.target.folderPath}
          placeholder="Requests/2025"
          hint="Empty: the top of the library."
          problem={props.problemOf(at('target.folderPath'))}
          lockedReason={lockedReason}
          onChange={(value) =>
            props.onChange({ ...folder, target: { ...folder.target, folderPath: value } })
          }
        />
        <SelectField
          label="When a file with the same name exists"
          field={at('conflict')}
          value={folder.conflict}
          options={[
            { value: 'rename', label: 'Keep both (add a number)' },
            { value: 'replace', label: 'Replace it' },
            { value: 'fail', label: 'Do not upload; report it' },
          ]}
          problem={props.problemOf(at('conflict'))}
          lockedReason={lockedReason}
          onChange={(value) => props.onChange({ ...folder, conflict: value })}
        />
        <SelectField
          label="After upload"
          field={at('afterUpload.action')}
          value={folder.afterUpload.action}
          options={[
            { value: 'keep', label: 'Keep the file' },
            { value: 'archive', label: 'Move it to an archive folder' },
            { value: 'delete', label: 'Delete it' },
          ]}
          hint="Only after SharePoint confirmed the upload and the content check matched."
          problem={props.problemOf(at('afterUpload.action'))}
          lockedReason={lockedReason}
          onChange={(value) =>
            props.onChange({ ...folder, afterUpload: { ...folder.afterUpload, action: value } })
          }
        />
        {folder.afterUpload.action === 'archive' ? (
          <TextField
            label="Archive folder"
            field={at('afterUpload.archiveFolder')}
            value={folder.afterUpload.archiveFolder}
            hint="Inside the watched folder."
            problem={props.problemOf(at('afterUpload.archiveFolder'))}
            lockedReason={lockedReason}
            onChange={(value) =>
              props.onChange({
                ...folder,
                afterUpload: { ...folder.afterUpload, archiveFolder: value },
              })
            }
          />
        ) : null}
        <CheckboxField
          label="Include subfolders"
          field={at('recursive')}
          value={folder.recursive}
          lockedReason={lockedReason}
          onChange={(recursive) => props.onChange({ ...folder, recursive })}
        />
        <NumberField
          label="Stability window (ms)"
          field={at('stabilityWindowMs')}
          value={folder.stabilityWindowMs}
          hint="A file is taken once its size and time did not change for this long (0 to 600000)."
          problem={props.problemOf(at('stabilityWindowMs'))}
          lockedReason={lockedReason}
          onChange={(stabilityWindowMs) => props.onChange({ ...folder, stabilityWindowMs })}
        />
        <CheckboxField
          label="Check the folder regularly (polling)"
          field={at('polling.enabled')}
          value={folder.polling.enabled}
          hint="For network shares that do not report changes."
          lockedReason={lockedReason}
          onChange={(enabled) =>
            props.onChange({ ...folder, polling: { ...folder.polling, enabled } })
          }
        />
        {folder.polling.enabled ? (
          <NumberField
            label="Check every (ms)"
            field={at('polling.intervalMs')}
            value={folder.polling.intervalMs}
            hint="100 to 600000."
            problem={props.problemOf(at('polling.intervalMs'))}
            lockedReason={lockedReason}
            onChange={(intervalMs) =>
              props.onChange({ ...folder, polling: { ...folder.polling, intervalMs } })
            }
          />
        ) : null}
        <SelectField
          label="Invalid file names"
          field={at('invalidNames')}
          value={folder.invalidNames}
          options={[
            { value: 'rename', label: 'Upload under a valid name' },
            { value: 'quarantine', label: 'Set the file aside' },
          ]}
          hint="Names SharePoint refuses (characters such as : or |, reserved names)."
          problem={props.problemOf(at('invalidNames'))}
          lockedReason={lockedReason}
          onChange={(invalidNames) => props.onChange({ ...folder, invalidNames })}
        />
        <TextField
          label="Set-aside folder"
          field={at('quarantineFolder')}
          value={folder.quarantineFolder}
          hint="Inside the watched folder; files that cannot be sent as they are go there, each with a note ending in .error.txt."
          problem={props.problemOf(at('quarantineFolder'))}
          lockedReason={lockedReason}
          onChange={(quarantineFolder) => props.onChange({ ...folder, quarantineFolder })}
        />
        <SelectField
          label="Same content as a delivered file"
          field={at('duplicates')}
          value={folder.duplicates}
          options={[
            { value: 'skip', label: 'Skip it' },
            { value: 'upload', label: 'Upload it again' },
          ]}
          problem={props.problemOf(at('duplicates'))}
          lockedReason={lockedReason}
          onChange={(duplicates) => props.onChange({ ...folder, duplicates })}
        />
        <CheckboxField
          label="Read request files"
          field={at('requests.enabled')}
          value={folder.requests.enabled}
          hint="JSON files that describe an upload (its metadata) instead of being uploaded."
          lockedReason={lockedReason}
          onChange={(enabled) =>
            props.onChange({ ...folder, requests: { ...folder.requests, enabled } })
          }
        />
        {folder.requests.enabled ? (
          <LinesField
            label="Request file patterns"
            field={at('requests.patterns')}
            value={folder.requests.patterns}
            hint="One per line, e.g. *.request.json."
            problem={props.problemOf(at('requests.patterns'))}
            lockedReason={lockedReason}
            onChange={(patterns) =>
              props.onChange({ ...folder, requests: { ...folder.requests, patterns } })
            }
          />
        ) : null}
        <LinesField
          label="Only these files"
          field={at('include')}
          value={folder.include}
          hint="Patterns such as *.pdf, one per line. Empty: every file."
          problem={props.problemOf(at('include'))}
          lockedReason={lockedReason}
          onChange={(include) => props.onChange({ ...folder, include })}
        />
        <LinesField
          label="Never these files"
          field={at('exclude')}
          value={folder.exclude}
          hint="Patterns such as *.tmp, one per line."
          problem={props.problemOf(at('exclude'))}
          lockedReason={lockedReason}
          onChange={(exclude) => props.onChange({ ...folder, exclude })}
        />
      </div>

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
              problem={props.problemOf(at(`target.columns.${column}`))}
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
      {lockedReason ? null : (
        <button type="button" className="danger" onClick={props.onRemove}>
          Stop watching {name}
        </button>
      )}
    </section>
  );
}

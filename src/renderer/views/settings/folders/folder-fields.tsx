/**
 * One watched folder's fields in Settings, by part: where it is and what it is called, where its
 * files go in SharePoint (`FolderTargetFields`), how its files are taken in
 * (`folder-intake-fields.tsx`), which files count, and the column mapping
 * (`column-mapping.tsx`).
 */
import type { Config } from '../../../../shared/config-schema.ts';
import { LinesField, SelectField, TextField } from '../form/settings-fields.tsx';
import { ColumnMapping } from './column-mapping.tsx';
import { FolderIntakeFields } from './folder-intake-fields.tsx';

/** A watched folder's config as the form edits it. */
export type FolderConfig = Config['folders'][number];

/** What each part of a folder's fields is given. */
export interface FolderPartProps {
  index: number;
  folder: FolderConfig;
  problemOf(field: string): string | undefined;
  lockedReason: string | undefined;
  onChange(folder: FolderConfig): void;
}

/** One folder: its parts, and "Stop watching". */
export function FolderFields(
  props: FolderPartProps & { defaultLibrary: string; onRemove(): void },
) {
  const { folder, lockedReason } = props;
  const name = folder.label ?? folder.id;
  return (
    <section className="folder" aria-label={`Folder ${name}`}>
      <h3>{name}</h3>
      <div className="form-grid">
        <FolderPlaceFields {...props} />
        <FolderTargetFields {...props} />
        <FolderIntakeFields {...props} />
        <FolderFilterFields {...props} />
      </div>
      <ColumnMapping {...props} />
      {lockedReason ? null : (
        <button type="button" className="danger" onClick={props.onRemove}>
          Stop watching {name}
        </button>
      )}
    </section>
  );
}

/** Where the folder is on this computer, its name and its id. */
function FolderPlaceFields(props: FolderPartProps) {
  const { folder, lockedReason, problemOf, onChange } = props;
  const at = (field: string) => `folders[${props.index}].${field}`;
  return (
    <>
      <TextField
        label="Folder on this computer"
        field={at('path')}
        value={folder.path}
        placeholder="/srv/requests or C:\Requests"
        problem={problemOf(at('path'))}
        lockedReason={lockedReason}
        onChange={(value) => onChange({ ...folder, path: value })}
      />
      <TextField
        label="Name"
        field={at('label')}
        value={folder.label ?? ''}
        hint="What people see, e.g. “Site office”."
        problem={problemOf(at('label'))}
        lockedReason={lockedReason}
        onChange={(value) => {
          const next = { ...folder };
          if (value === '') delete next.label;
          else next.label = value;
          onChange(next);
        }}
      />
      <TextField
        label="Id"
        field={at('id')}
        value={folder.id}
        hint="Lower-case letters, digits and dashes; stays the same when the folder moves."
        problem={problemOf(at('id'))}
        lockedReason={lockedReason}
        onChange={(value) => onChange({ ...folder, id: value })}
      />
    </>
  );
}

/** Where the folder's files go in SharePoint, and what happens to a file after upload. */
function FolderTargetFields(props: FolderPartProps & { defaultLibrary: string }) {
  const { folder, lockedReason, problemOf, onChange } = props;
  const at = (field: string) => `folders[${props.index}].${field}`;
  return (
    <>
      <TextField
        label="Library"
        field={at('target.library')}
        value={folder.target.library ?? ''}
        placeholder={props.defaultLibrary}
        hint="Empty: the connection’s library."
        problem={problemOf(at('target.library'))}
        lockedReason={lockedReason}
        onChange={(value) => {
          const target = { ...folder.target };
          if (value === '') delete target.library;
          else target.library = value;
          onChange({ ...folder, target });
        }}
      />
      <TextField
        label="Folder in the library"
        field={at('target.folderPath')}
        value={folder.target.folderPath}
        placeholder="Requests/2025"
        hint="Empty: the top of the library."
        problem={problemOf(at('target.folderPath'))}
        lockedReason={lockedReason}
        onChange={(value) =>
          onChange({ ...folder, target: { ...folder.target, folderPath: value } })
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
        problem={problemOf(at('conflict'))}
        lockedReason={lockedReason}
        onChange={(value) => onChange({ ...folder, conflict: value })}
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
        problem={problemOf(at('afterUpload.action'))}
        lockedReason={lockedReason}
        onChange={(value) =>
          onChange({ ...folder, afterUpload: { ...folder.afterUpload, action: value } })
        }
      />
      {folder.afterUpload.action === 'archive' ? (
        <TextField
          label="Archive folder"
          field={at('afterUpload.archiveFolder')}
          value={folder.afterUpload.archiveFolder}
          hint="Inside the watched folder."
          problem={problemOf(at('afterUpload.archiveFolder'))}
          lockedReason={lockedReason}
          onChange={(value) =>
            onChange({
              ...folder,
              afterUpload: { ...folder.afterUpload, archiveFolder: value },
            })
          }
        />
      ) : null}
    </>
  );
}

/** Which files of the folder count: include and exclude patterns. */
function FolderFilterFields(props: FolderPartProps) {
  const { folder, lockedReason, problemOf, onChange } = props;
  const at = (field: string) => `folders[${props.index}].${field}`;
  return (
    <>
      <LinesField
        label="Only these files"
        field={at('include')}
        value={folder.include}
        hint="Patterns such as *.pdf, one per line. Empty: every file."
        problem={problemOf(at('include'))}
        lockedReason={lockedReason}
        onChange={(include) => onChange({ ...folder, include })}
      />
      <LinesField
        label="Never these files"
        field={at('exclude')}
        value={folder.exclude}
        hint="Patterns such as *.tmp, one per line."
        problem={problemOf(at('exclude'))}
        lockedReason={lockedReason}
        onChange={(exclude) => onChange({ ...folder, exclude })}
      />
    </>
  );
}

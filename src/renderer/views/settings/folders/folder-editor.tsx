/**
 * The watched folders and where each one delivers: target library and folder, column
 * mapping, conflict and after-upload behaviour, include/exclude filters, intake (polling,
 * stability window, request files, names and duplicates, quarantine). A new folder starts
 * from the schema's defaults; the whole list is read-only when the policy sets it.
 */
import { FolderConfigSchema, type Config } from '../../../../shared/config-schema.ts';
import { FolderFields } from './folder-fields.tsx';

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

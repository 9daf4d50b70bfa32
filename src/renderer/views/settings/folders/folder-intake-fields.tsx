/**
 * How a watched folder's files are taken in: subfolders, the stability window, polling, invalid
 * names, the set-aside folder, duplicates and request files.
 */
import { CheckboxField, LinesField, SelectField, TextField } from '../form/settings-fields.tsx';
import { UnitField } from '../form/unit-fields.tsx';
import type { FolderPartProps } from './folder-fields.tsx';

/** The intake fields of one folder. */
export function FolderIntakeFields(props: FolderPartProps) {
  const { folder, lockedReason, problemOf, onChange } = props;
  const at = (field: string) => `folders[${props.index}].${field}`;
  return (
    <>
      <CheckboxField
        label="Include subfolders"
        field={at('recursive')}
        value={folder.recursive}
        lockedReason={lockedReason}
        onChange={(recursive) => onChange({ ...folder, recursive })}
      />
      <UnitField
        label="Stability window"
        field={at('stabilityWindowMs')}
        value={folder.stabilityWindowMs}
        hint="A file is taken once its size and time did not change for this long."
        problem={problemOf(at('stabilityWindowMs'))}
        lockedReason={lockedReason}
        onChange={(stabilityWindowMs) => onChange({ ...folder, stabilityWindowMs })}
      />
      <CheckboxField
        label="Check the folder regularly (polling)"
        field={at('polling.enabled')}
        value={folder.polling.enabled}
        hint="For network shares that do not report changes."
        lockedReason={lockedReason}
        onChange={(enabled) => onChange({ ...folder, polling: { ...folder.polling, enabled } })}
      />
      {folder.polling.enabled ? (
        <UnitField
          label="Check every"
          field={at('polling.intervalMs')}
          value={folder.polling.intervalMs}
          hint="How often the folder is looked through."
          problem={problemOf(at('polling.intervalMs'))}
          lockedReason={lockedReason}
          onChange={(intervalMs) =>
            onChange({ ...folder, polling: { ...folder.polling, intervalMs } })
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
        problem={problemOf(at('invalidNames'))}
        lockedReason={lockedReason}
        onChange={(invalidNames) => onChange({ ...folder, invalidNames })}
      />
      <TextField
        label="Set-aside folder"
        field={at('quarantineFolder')}
        value={folder.quarantineFolder}
        hint="Inside the watched folder; files that cannot be sent as they are go there, each with a note ending in .error.txt."
        problem={problemOf(at('quarantineFolder'))}
        lockedReason={lockedReason}
        onChange={(quarantineFolder) => onChange({ ...folder, quarantineFolder })}
      />
      <SelectField
        label="Same content as a delivered file"
        field={at('duplicates')}
        value={folder.duplicates}
        options={[
          { value: 'skip', label: 'Skip it' },
          { value: 'upload', label: 'Upload it again' },
        ]}
        problem={problemOf(at('duplicates'))}
        lockedReason={lockedReason}
        onChange={(duplicates) => onChange({ ...folder, duplicates })}
      />
      <CheckboxField
        label="Read request files"
        field={at('requests.enabled')}
        value={folder.requests.enabled}
        hint="JSON files matching the patterns are requests: a valid one is uploaded like any file, with its fields as the file’s request details (and in the library columns of its Column mapping); one that is not valid is set aside with a note saying what to correct."
        lockedReason={lockedReason}
        onChange={(enabled) => onChange({ ...folder, requests: { ...folder.requests, enabled } })}
      />
      {folder.requests.enabled ? (
        <LinesField
          label="Request file patterns"
          field={at('requests.patterns')}
          value={folder.requests.patterns}
          hint="One per line, e.g. *.request.json."
          problem={problemOf(at('requests.patterns'))}
          lockedReason={lockedReason}
          onChange={(patterns) =>
            onChange({ ...folder, requests: { ...folder.requests, patterns } })
          }
        />
      ) : null}
    </>
  );
}

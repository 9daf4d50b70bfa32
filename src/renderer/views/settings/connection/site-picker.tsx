/**
 * The site, library and folder picker (Settings, and the first run's "Pick library and folder"):
 * sites the person follows, a search, or a pasted site or library address; then the site's
 * document libraries; then a folder to browse into and use for each watched folder. Choosing
 * writes the draft settings (site URL, library, each folder's target path), saved with the rest,
 * so policy locks apply. Native radios and buttons make it keyboard-complete, and what each
 * answer came to is read out by a polite live region.
 */
import { useState } from 'react';
import type { PickerSite } from '../../../../shared/feed-protocol.ts';
import type { SettingsForm } from '../form/use-settings-form.ts';
import { useSitePicker } from './use-site-picker.ts';

/** The picker, for a signed-in person (delegated sign-in). */
export function SitePicker(props: { form: SettingsForm }) {
  const { form } = props;
  const picker = useSitePicker(true);
  const lockedReason = form.locked('sharepoint.siteUrl') ?? form.locked('sharepoint.library');
  return (
    <section
      className="site-picker stack"
      aria-labelledby="site-picker-title"
      data-testid="site-picker"
    >
      <h3 id="site-picker-title">Choose the site, library and folder</h3>
      {lockedReason ? <p className="hint">{lockedReason}</p> : null}
      <div
        role="status"
        aria-live="polite"
        className="picker-announcement"
        data-testid="picker-announcement"
      >
        {picker.announcement}
      </div>
      <SiteFinders picker={picker} />
      <ChoiceGroup
        legend="Site"
        choices={picker.sites}
        chosenId={picker.site?.id}
        isDisabled={lockedReason !== undefined}
        showAddress
        onChoose={(site) => {
          picker.chooseSite(site);
          form.update(['sharepoint', 'siteUrl'], site.webUrl);
        }}
      />
      <ChoiceGroup
        legend="Document library"
        choices={picker.libraries ?? []}
        chosenId={picker.library?.id}
        isDisabled={lockedReason !== undefined}
        onChoose={(library) => {
          picker.chooseLibrary(library);
          if (picker.site) form.update(['sharepoint', 'siteUrl'], picker.site.webUrl);
          form.update(['sharepoint', 'library'], library.name);
        }}
      />
      {picker.browsing && picker.library ? (
        <FolderBrowser form={form} picker={picker} libraryName={picker.library.name} />
      ) : null}
    </section>
  );
}

/** Sites or libraries as one group of radios (nothing while the list is empty). */
function ChoiceGroup<T extends PickerSite>(props: {
  legend: string;
  choices: readonly T[];
  chosenId: string | undefined;
  isDisabled: boolean;
  showAddress?: boolean;
  onChoose(choice: T): void;
}) {
  if (props.choices.length === 0) return null;
  return (
    <fieldset className="picker-choices" disabled={props.isDisabled}>
      <legend>{props.legend}</legend>
      {props.choices.map((choice) => (
        <label key={choice.id}>
          <input
            type="radio"
            name={`picker-${props.legend}`}
            checked={props.chosenId === choice.id}
            onChange={() => props.onChoose(choice)}
          />{' '}
          {choice.name}
          {props.showAddress ? <span className="muted"> {choice.webUrl}</span> : null}
        </label>
      ))}
    </fieldset>
  );
}

/** The ways to find a site: the ones followed, a search, a pasted address (Enter or button). */
function SiteFinders(props: { picker: ReturnType<typeof useSitePicker> }) {
  const { picker } = props;
  return (
    <div className="picker-finders">
      <button type="button" onClick={picker.showFollowed}>
        Sites I follow
      </button>
      <FinderField
        id="picker-search"
        label="Search sites"
        type="search"
        button="Search"
        onSubmit={picker.search}
      />
      <FinderField
        id="picker-address"
        label="Site or library address"
        type="url"
        placeholder="https://contoso.sharepoint.com/sites/Office"
        button="Open address"
        onSubmit={picker.openAddress}
      />
    </div>
  );
}

/**
 * A labelled text field and its button; Enter does what the button does (the settings form
 * around it is not submitted).
 */
function FinderField(props: {
  id: string;
  label: string;
  type: 'search' | 'url';
  placeholder?: string;
  button: string;
  onSubmit(value: string): void;
}) {
  const [value, setValue] = useState('');
  return (
    <div className="picker-finder" {...(props.type === 'search' ? { role: 'search' } : {})}>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type}
        placeholder={props.placeholder}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          event.preventDefault();
          props.onSubmit(value);
        }}
      />
      <button type="button" onClick={() => props.onSubmit(value)}>
        {props.button}
      </button>
    </div>
  );
}

/** The folder browsed now: its subfolders to open, up, and "Use this folder" per watched folder. */
function FolderBrowser(props: {
  form: SettingsForm;
  picker: ReturnType<typeof useSitePicker>;
  libraryName: string;
}) {
  const { form, picker, libraryName } = props;
  const browsing = picker.browsing!;
  const { folder } = browsing;
  const shownPath =
    folder.path === '' ? `${libraryName} (top level)` : `${libraryName}/${folder.path}`;
  const lockedReason = form.locked('folders');
  return (
    <fieldset className="picker-choices" data-testid="picker-folders">
      <legend>Target folder: {shownPath}</legend>
      {folder.path !== '' ? (
        <button type="button" onClick={() => picker.browse()}>
          Back to the top level
        </button>
      ) : null}
      {browsing.folders.length > 0 ? (
        <ul className="picker-folder-list">
          {browsing.folders.map((child) => (
            <li key={child.id}>
              <button type="button" onClick={() => picker.browse(child.id)}>
                Open {child.name}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No folders in here.</p>
      )}
      {form.draft.folders.map((watched, index) => {
        const label = watched.label ?? watched.id;
        const isChosen = (watched.target.folderPath ?? '') === folder.path;
        return (
          <button
            key={watched.id}
            type="button"
            disabled={lockedReason !== undefined}
            aria-pressed={isChosen}
            onClick={() => {
              form.update(['folders', index, 'target', 'folderPath'], folder.path);
              picker.announce(
                `Files from ${label} go to ${shownPath}; save the settings to keep it.`,
              );
            }}
          >
            Use this folder for {label}
          </button>
        );
      })}
    </fieldset>
  );
}

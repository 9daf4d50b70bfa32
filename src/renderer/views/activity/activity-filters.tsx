/**
 * The activity list's filters: a state or group of the vocabulary, a folder, and a search by
 * name or request id. They live in the address (`?state=failed&folder=office&q=…`), so a view
 * can be linked; the search is written there a moment after typing stops.
 */
import { useCallback, useEffect, useId, useState, type ChangeEvent } from 'react';
import type { ItemFilterParams } from '../../../shared/feed-protocol.ts';
import { itemStates, type ItemState } from '../../../shared/item-state.ts';
import {
  isItemStateGroupKey,
  itemStateGroupKeys,
  itemStateGroups,
  itemStateLabels,
} from '../../../shared/state-vocabulary.ts';
import type { Feed } from '../../feed/feed-context.tsx';
import { navigate } from '../../router.tsx';

/** Group filters of older links, read as the group that now says the same. */
const formerGroupKeys: Readonly<Record<string, string>> = {
  pending: 'on-its-way',
  problems: 'needs-you',
};

/** States offered one by one: the members of groups of several (the others are their group). */
const singleStateChoices: readonly ItemState[] = itemStateGroupKeys
  .map((key) => itemStateGroups[key].states)
  .filter((states) => states.length > 1)
  .flat()
  .filter((itemState) => itemState !== 'detected');

const searchDelayMs = 250;

/** The `state` value that lists head office's responses instead of files. */
export const responsesFilter = 'responses';

/** The filter form: state, folder and search. */
export function Filters(props: {
  stateFilter: string;
  folderFilter: string;
  query: string;
  feed: Feed;
}) {
  const stateId = useId();
  const folderId = useId();
  const searchId = useId();
  const [searchText, setSearchText] = useState(props.query);
  const setParam = useCallback((name: string, value: string) => {
    const params = new URLSearchParams(window.location.search);
    if (value === '') params.delete(name);
    else params.set(name, value);
    const search = params.toString();
    navigate(`/activity${search ? `?${search}` : ''}`, { replace: true });
  }, []);
  useEffect(() => setSearchText(props.query), [props.query]);
  useEffect(() => {
    if (searchText === props.query) return;
    const timer = setTimeout(() => setParam('q', searchText.trim()), searchDelayMs);
    return () => clearTimeout(timer);
  }, [searchText, props.query, setParam]);

  return (
    <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor={stateId}>State</label>
        <select
          id={stateId}
          value={formerGroupKeys[props.stateFilter] ?? props.stateFilter}
          onChange={(event: ChangeEvent<HTMLSelectElement>) =>
            setParam('state', event.target.value)
          }
        >
          <option value="">All states</option>
          <optgroup label="Groups">
            {itemStateGroupKeys.map((key) => (
              <option key={key} value={key}>
                {itemStateGroups[key].label}
              </option>
            ))}
          </optgroup>
          <optgroup label="One state">
            {singleStateChoices.map((itemState) => (
              <option key={itemState} value={itemState}>
                {itemStateLabels[itemState]}
              </option>
            ))}
          </optgroup>
          <optgroup label="From head office">
            <option value={responsesFilter}>Responses</option>
          </optgroup>
        </select>
      </div>
      <div className="field">
        <label htmlFor={folderId}>Folder</label>
        <select
          id={folderId}
          value={props.folderFilter}
          onChange={(event: ChangeEvent<HTMLSelectElement>) =>
            setParam('folder', event.target.value)
          }
        >
          <option value="">All folders</option>
          {props.feed.state.folders.map((folder) => (
            <option key={folder.id} value={folder.id}>
              {folder.label ?? folder.id}
            </option>
          ))}
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={searchId}>Search by name or request id</label>
        <input
          id={searchId}
          type="search"
          value={searchText}
          maxLength={200}
          onChange={(event) => setSearchText(event.target.value)}
        />
      </div>
    </form>
  );
}

/** The states a `state` parameter stands for (a group's, or one), or undefined for all. */
export function statesOf(stateFilter: string): readonly ItemState[] | undefined {
  if (stateFilter === '') return undefined;
  const groupKey = formerGroupKeys[stateFilter] ?? stateFilter;
  if (isItemStateGroupKey(groupKey)) return itemStateGroups[groupKey].states;
  return (itemStates as readonly string[]).includes(stateFilter)
    ? [stateFilter as ItemState]
    : undefined;
}

/** The listItems filter of the address's parameters. */
export function buildFilter(
  stateFilter: string,
  folderFilter: string,
  query: string,
): ItemFilterParams {
  const states = statesOf(stateFilter);
  return {
    ...(states ? { states: [...states] } : {}),
    ...(folderFilter ? { folderId: folderFilter } : {}),
    ...(query ? { search: query } : {}),
  };
}

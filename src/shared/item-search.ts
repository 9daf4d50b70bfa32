/**
 * What a search typed into the activity list ("Search by name or request id") finds: the one rule
 * for the agent's listItems and for the page's live filter, so that an item an event brings in
 * is shown exactly when the agent would have listed it.
 *
 * An item matches when the search, ignoring case (full Unicode case folding by `toLowerCase`),
 * is part of its path or of any text or number in its request metadata (a request id, a
 * requester, a part's code), however deep. Keys are not matched: searching "request_id" would
 * otherwise find every request. Every character is literal; an empty search matches every item.
 */

/** The fields of an item that a search looks at. */
export interface SearchableItem {
  /** The file's path inside its watched folder. */
  path: string;
  /** The request metadata of a JSON request file, or null. */
  request: Readonly<Record<string, unknown>> | null;
}

/** Whether the item matches the search. */
export function matchesItemSearch(item: SearchableItem, search: string): boolean {
  if (search === '') return true;
  const needle = search.toLowerCase();
  return item.path.toLowerCase().includes(needle) || containsText(item.request, needle);
}

/** Whether a text or number inside `value` contains `needle` (already lower case). */
function containsText(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.toLowerCase().includes(needle);
  if (typeof value === 'number') return String(value).toLowerCase().includes(needle);
  if (value === null || typeof value !== 'object') return false;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => containsText(child, needle));
}

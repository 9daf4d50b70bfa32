// The names and paths SharePoint Online refuses, as Microsoft lists them in "Restrictions and
// limitations in OneDrive and SharePoint"
// (https://support.microsoft.com/office/64883a5d-228e-48f5-b3d2-eb39e07630fa): the invalid
// characters, leading and trailing spaces, the reserved names, "_vti_" anywhere, "~$" at the
// start, a folder "forms" at a library's root, a folder starting with "~", and a decoded path
// longer than 400 characters. Refusals are Graph's 400 invalidRequest with the detailed code
// Graph documents for them (concepts/errors.md: invalidPath, pathIsTooLong).

import { GraphError } from './http-util.ts';

/** Characters not allowed anywhere in a file or folder name. */
const INVALID_CHARACTERS = ['"', '*', ':', '<', '>', '?', '/', '\\', '|'];

/** Names not allowed for files or folders (compared case-insensitively). */
const RESERVED_NAMES = new Set([
  '.lock',
  'con',
  'prn',
  'aux',
  'nul',
  ...Array.from({ length: 10 }, (_, digit) => `com${digit}`),
  ...Array.from({ length: 10 }, (_, digit) => `lpt${digit}`),
  'desktop.ini',
]);

/** Longest decoded path, file name included, in characters. */
export const MAX_PATH_CHARACTERS = 400;

/** Where a name is going: a folder at a library's root has one more rule. */
export interface NamePlace {
  readonly isFolder: boolean;
  readonly isLibraryRoot: boolean;
}

/** Why SharePoint refuses `name` at `place`, or undefined when it accepts it. */
export function nameProblem(name: string, place: NamePlace): string | undefined {
  const lower = name.toLowerCase();
  if (name === '' || name === '.' || name === '..') return 'a name is required';
  const invalid = INVALID_CHARACTERS.find((character) => name.includes(character));
  if (invalid !== undefined) return `names cannot contain ${invalid}`;
  if (name.startsWith(' ') || name.endsWith(' ')) {
    return 'names cannot start or end with a space';
  }
  if (RESERVED_NAMES.has(lower)) return `"${name}" is a reserved name`;
  if (lower.includes('_vti_')) return 'names cannot contain "_vti_"';
  if (name.startsWith('~$')) return 'names cannot start with "~$"';
  if (place.isFolder && name.startsWith('~')) return 'folder names cannot start with "~"';
  if (place.isFolder && place.isLibraryRoot && lower === 'forms') {
    return '"forms" is not allowed as a folder at the root of a library';
  }
  return undefined;
}

/** Refuse a name SharePoint refuses: 400 invalidRequest (inner invalidPath). */
export function assertValidName(name: string, place: NamePlace): void {
  const problem = nameProblem(name, place);
  if (problem === undefined) return;
  throw new GraphError(400, 'invalidRequest', `The name "${name}" is not allowed: ${problem}.`, {
    innerCode: 'invalidPath',
  });
}

/**
 * Refuse a path longer than SharePoint allows: "The entire decoded file path, including the
 * file name, can't contain more than 400 characters". `decodedPath` is the server-relative path
 * (site, library, folders, name), counted in UTF-16 code units as .NET counts characters.
 * 400 invalidRequest (inner pathIsTooLong).
 */
export function assertPathFits(decodedPath: string): void {
  if (decodedPath.length <= MAX_PATH_CHARACTERS) return;
  throw new GraphError(
    400,
    'invalidRequest',
    `The path "${decodedPath}" has ${decodedPath.length} characters; SharePoint allows at most ${MAX_PATH_CHARACTERS}.`,
    { innerCode: 'pathIsTooLong' },
  );
}

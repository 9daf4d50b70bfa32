/**
 * The names SharePoint Online and OneDrive refuse, and SiteDrop's documented mapping to names
 * they accept.
 *
 * Source: Microsoft, "Restrictions and limitations in OneDrive and SharePoint", section
 * "Invalid file names and file types": the characters `" * : < > ? / \ |`; leading and trailing
 * spaces; the names `.lock`, `CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9` and
 * `desktop.ini`; names starting with `~$`; `_vti_` anywhere in a name; `forms` as a folder at the
 * library root; and a decoded path of at most 400 characters. Windows also refuses control
 * characters and trailing dots, and SharePoint limits one name to 255 characters, so those are
 * refused here as well. docs/intake.md explains the mapping to people.
 *
 * Pure TypeScript (no Node built-ins): the agent uses it to build target paths, the UI to explain.
 */

/** The limits SharePoint puts on names and paths, in UTF-16 code units (JavaScript `length`). */
export const sharePointNameLimits = {
  /** One file or folder name. */
  nameMaxChars: 255,
  /** The whole decoded path under the site: library, folders and file name. */
  pathMaxChars: 400,
} as const;

/** The characters SharePoint refuses anywhere in a name, and the control characters. */
// eslint-disable-next-line no-control-regex
const refusedCharacters = /["*:<>?/\\|\u0000-\u001f\u007f]/g;
/** Windows device names, refused as a whole name or as the part before the first dot. */
const reservedDeviceName = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const wholeNamesRefused = new Set(['.lock', 'desktop.ini']);

/** Where a name sits, for the rules that depend on it. */
export interface NameContext {
  /** A folder directly at the library root (where `forms` is refused). */
  isFolderAtLibraryRoot?: boolean;
}

/**
 * The reasons, in plain words, that SharePoint would refuse this one name (empty when none).
 *
 * `segment` is one file or folder name, never a path.
 */
export function findNameProblems(segment: string, context: NameContext = {}): string[] {
  const problems: string[] = [];
  const characters = [...new Set(segment.match(refusedCharacters) ?? [])];
  if (characters.length > 0) {
    problems.push(
      `contains ${characters.map(describeCharacter).join(', ')}, which SharePoint does not allow in names`,
    );
  }
  if (/^ /.test(segment) || / $/.test(segment)) {
    problems.push('starts or ends with a space');
  }
  if (/\.$/.test(segment)) problems.push('ends with a dot');
  const stem = segment.split('.')[0] ?? '';
  if (reservedDeviceName.test(stem)) {
    problems.push(`"${stem}" is a reserved device name (CON, PRN, AUX, NUL, COM0–9, LPT0–9)`);
  }
  if (wholeNamesRefused.has(segment.toLowerCase())) {
    problems.push(`"${segment}" is a name SharePoint reserves`);
  }
  if (segment.startsWith('~$')) problems.push('starts with "~$" (the mark of Office lock files)');
  if (/_vti_/i.test(segment)) problems.push('contains "_vti_", which SharePoint reserves');
  if (context.isFolderAtLibraryRoot && segment.toLowerCase() === 'forms') {
    problems.push('"forms" cannot be a folder at the root of a library');
  }
  if (segment.length > sharePointNameLimits.nameMaxChars) {
    problems.push(
      `is ${segment.length} characters long; SharePoint allows at most ${sharePointNameLimits.nameMaxChars}`,
    );
  }
  return problems;
}

/**
 * The name SiteDrop uses in SharePoint for a refused one (unchanged when it is accepted).
 *
 * The mapping, applied in this order (docs/intake.md, "Names SharePoint refuses"):
 * 1. each refused character (`" * : < > ? / \ |`, control characters) becomes `_`;
 * 2. each leading or trailing space, and each trailing dot, becomes `_`;
 * 3. `~$` at the start becomes `~_`; `_vti_` becomes `-vti-`;
 * 4. a reserved device name gets `_` after it (`CON.txt` → `CON_.txt`); `.lock` and
 *    `desktop.ini` get `_` before them; `forms` at the library root becomes `forms_`;
 * 5. a name still over 255 characters keeps its extension, and its start is cut so that
 *    `~` and 8 hex digits of a hash of the original name fit (`long…~1a2b3c4d.pdf`).
 * The result always passes `findNameProblems`. Collisions are the caller's to avoid, with
 * `withCollisionMark`.
 */
export function toSharePointName(segment: string, context: NameContext = {}): string {
  let name = segment.replace(refusedCharacters, '_');
  name = name.replace(/^ +| +$/g, (spaces) => '_'.repeat(spaces.length));
  name = name.replace(/\.+$/, (dots) => '_'.repeat(dots.length));
  if (name.startsWith('~$')) name = `~_${name.slice(2)}`;
  name = name.replace(/_vti_/gi, '-vti-');
  const dot = name.indexOf('.');
  const stem = dot === -1 ? name : name.slice(0, dot);
  if (reservedDeviceName.test(stem)) name = `${stem}_${name.slice(stem.length)}`;
  if (wholeNamesRefused.has(name.toLowerCase())) name = `_${name}`;
  if (context.isFolderAtLibraryRoot && name.toLowerCase() === 'forms') name = `${name}_`;
  if (name.length > sharePointNameLimits.nameMaxChars) {
    name = withMark(name, segment, sharePointNameLimits.nameMaxChars);
  }
  return name === '' ? '_' : name;
}

/**
 * A name made distinct from a sibling it would collide with after renaming: `~` and 8 hex digits
 * of a hash of the original name before the extension (`a_b.txt` → `a_b~5d41402a.txt`).
 *
 * Deterministic: the same original name always gets the same mark.
 */
export function withCollisionMark(safeName: string, originalName: string): string {
  return withMark(safeName, originalName, sharePointNameLimits.nameMaxChars);
}

/** The outcome of mapping a relative path to its SharePoint path. */
export interface SharePointPath {
  /** The '/'-separated path under the target folder, every name acceptable to SharePoint. */
  safeRelativePath: string;
  /** Whether any name had to be changed. */
  isRenamed: boolean;
  /** Every refused name with its reasons, in path order. */
  problems: { name: string; reasons: string[] }[];
}

/**
 * Maps a '/'-separated relative path, name by name, to names SharePoint accepts.
 *
 * @param isAtLibraryRoot whether the path starts at the library root (no target folder).
 */
export function toSharePointPath(relativePath: string, isAtLibraryRoot: boolean): SharePointPath {
  const segments = relativePath.split('/');
  const problems: SharePointPath['problems'] = [];
  const safe = segments.map((segment, index) => {
    const context = {
      isFolderAtLibraryRoot: isAtLibraryRoot && index === 0 && segments.length > 1,
    };
    const reasons = findNameProblems(segment, context);
    if (reasons.length === 0) return segment;
    problems.push({ name: segment, reasons });
    return toSharePointName(segment, context);
  });
  return { safeRelativePath: safe.join('/'), isRenamed: problems.length > 0, problems };
}

/**
 * Why SharePoint would refuse a whole path (library, folders and name), or undefined.
 *
 * @param libraryPath the library's name followed by the target path, '/'-separated.
 */
export function findPathLengthProblem(libraryPath: string): string | undefined {
  if (libraryPath.length <= sharePointNameLimits.pathMaxChars) return undefined;
  return (
    `the path in SharePoint would be ${libraryPath.length} characters long; SharePoint allows ` +
    `at most ${sharePointNameLimits.pathMaxChars}. Use shorter folder or file names, or a shorter target folder`
  );
}

function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) {
    return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  }
  return `"${character}"`;
}

function withMark(name: string, original: string, maxChars: number): string {
  const mark = `~${fnv1a32(original)}`;
  const dot = name.lastIndexOf('.');
  // An extension is kept only when it is short, like a real one (".pdf", ".xlsx").
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const stem = name.slice(0, name.length - extension.length);
  const room = maxChars - mark.length - extension.length;
  let cut = stem.slice(0, room);
  // Never split a surrogate pair, and never end on a space or dot SharePoint would refuse.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/[ .]+$/, '');
  return `${cut}${mark}${extension}`;
}

/** FNV-1a, 32 bits, over UTF-16 code units: a short, stable mark (not a security hash). */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

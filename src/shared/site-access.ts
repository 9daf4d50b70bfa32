/**
 * What a signed-in person reads when SharePoint refuses them a site: one sentence, alike in the
 * picker and in Test connection, naming the person and whom to ask.
 */

/** "Dana" of "Dana Site"; the username when there is no name; a neutral subject without either. */
export function personCalled(name: string | null | undefined): string {
  return name?.trim().split(/\s+/)[0] || 'The signed-in account';
}

/** The person may not open the site (403 accessDenied on a delegated token). */
export function cannotOpenSiteSentence(name: string | null | undefined): string {
  return `${personCalled(name)} can't open this site: ask its owner to share it or grant Sites.Selected.`;
}

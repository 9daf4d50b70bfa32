/**
 * The feed token as the page receives it: in the URL fragment (`#token=…`) of the address the
 * agent prints, moved at once into sessionStorage and removed from the address bar, so it is
 * neither in the history nor in a bookmark nor sent anywhere (docs/feed.md, "Authentication").
 */

const storageKey = 'sitedrop.feedToken';

/**
 * Takes the token out of the fragment, if one is there, into sessionStorage, and returns the
 * token the page holds (or undefined when it was opened without one).
 */
export function takeFeedToken(): string | undefined {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromFragment = fragment.get('token');
  if (fromFragment !== null && fromFragment !== '') {
    sessionStorage.setItem(storageKey, fromFragment);
    fragment.delete('token');
    const rest = fragment.toString();
    const url = window.location.pathname + window.location.search + (rest ? `#${rest}` : '');
    window.history.replaceState(window.history.state, '', url);
  }
  return sessionStorage.getItem(storageKey) ?? undefined;
}

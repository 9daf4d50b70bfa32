/**
 * The page: a header with the overall connection, a navigation between the screens, and the
 * screen for the current path. Focus moves to the screen's heading on navigation, so keyboard
 * and screen-reader users land on what changed.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConnectionBanner } from './components/connection-banner.tsx';
import { NoAccess } from './components/no-access.tsx';
import { useFeed } from './feed/feed-context.tsx';
import { Link, useLocation } from './router.tsx';
import { ActivityList } from './views/activity/activity-list.tsx';
import { ResponseDetail } from './views/responses/response-detail.tsx';
import { Dashboard } from './views/dashboard/dashboard.tsx';
import { ItemDetail } from './views/item-detail/item-detail.tsx';
import { SettingsScreen } from './views/settings/settings-screen.tsx';

const screens = [
  { path: '/', label: 'Dashboard' },
  { path: '/activity', label: 'Activity' },
  { path: '/settings', label: 'Settings' },
] as const;

/** The whole UI. */
export function App() {
  const { pathname } = useLocation();
  const { status } = useFeed();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isFirstRender = useRef(true);
  const itemMatch = /^\/items\/(\d+)$/.exec(pathname);
  const responseMatch = /^\/responses\/(\d+)$/.exec(pathname);
  const current = itemMatch || responseMatch ? '/activity' : pathname;
  // The item screen is titled with the file's name once it is known (its number until then).
  const [itemName, setItemName] = useState<{ id: number; name: string } | undefined>();
  const itemId = itemMatch ? Number(itemMatch[1]) : undefined;
  const onItemName = useCallback(
    (name: string) => {
      if (itemId === undefined) return;
      setItemName((previous) =>
        previous !== undefined && previous.id === itemId && previous.name === name
          ? previous
          : { id: itemId, name },
      );
    },
    [itemId],
  );
  const title =
    status.kind === 'unauthorized'
      ? 'Not connected'
      : responseMatch
        ? `Response ${responseMatch[1]}`
        : itemMatch
          ? itemName !== undefined && itemName.id === itemId
            ? itemName.name
            : `File ${itemMatch[1]}`
          : (screens.find((screen) => screen.path === pathname)?.label ?? 'Not found');

  useEffect(() => {
    document.title = `${title} · SiteDrop`;
    if (isFirstRender.current) {
      isFirstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [title, pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">SiteDrop</span>
        <nav aria-label="Screens">
          <ul>
            {screens.map((screen) => (
              <li key={screen.path}>
                <Link to={screen.path} aria-current={current === screen.path ? 'page' : undefined}>
                  {screen.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className={`link-state link-${status.kind}`} data-testid="link-state">
          <span aria-hidden="true">●</span>{' '}
          {status.kind === 'open'
            ? 'Live'
            : status.kind === 'reconnecting'
              ? 'Reconnecting'
              : status.kind === 'connecting'
                ? 'Connecting'
                : 'Not connected'}
        </span>
      </header>
      <ConnectionBanner />
      <main id="main">
        <h1 ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        {status.kind === 'unauthorized' ? (
          <NoAccess />
        ) : responseMatch ? (
          <ResponseDetail key={responseMatch[1]} responseId={Number(responseMatch[1])} />
        ) : itemMatch ? (
          <ItemDetail key={itemMatch[1]} itemId={Number(itemMatch[1])} onName={onItemName} />
        ) : pathname === '/' ? (
          <Dashboard />
        ) : pathname === '/activity' ? (
          <ActivityList />
        ) : pathname === '/settings' ? (
          <SettingsScreen />
        ) : (
          <p>
            There is no such screen. <Link to="/">Go to the dashboard</Link>.
          </p>
        )}
      </main>
    </>
  );
}

/**
 * What a new install shows first, while no SharePoint connection is configured: three steps in
 * order (sign in, pick the library and folder in Settings, test the connection), then where to
 * drop a file to try it. App-only agents skip the sign-in: the app itself signs in.
 */
import type { Feed } from '../../feed/feed-context.tsx';
import type { AccountState } from '../../feed/use-account.ts';
import { Link } from '../../router.tsx';
import type { SignInControl } from './use-sign-in.ts';

/** The first-run steps card. */
export function FirstRunSteps(props: {
  feed: Feed;
  account: AccountState | undefined;
  signIn: SignInControl;
}) {
  const { account, signIn } = props;
  const isAppOnly = (account?.authMethod ?? 'delegated') !== 'delegated';
  const person = account?.account ?? null;
  const isSignedIn = isAppOnly || person !== null;
  const [firstFolder] = props.feed.state.folders;
  return (
    <section className="card first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h2 id="first-run-title">Set up SiteDrop</h2>
      <ol>
        <li data-done={isSignedIn}>
          <strong>Sign in</strong>
          {isAppOnly ? (
            <span> — done: SiteDrop signs in as the app itself (app-only).</span>
          ) : person !== null ? (
            <span> — done: signed in as {person.name ?? person.username}.</span>
          ) : (
            <>
              {' '}
              with the Microsoft work account that may write to the library.{' '}
              <button type="button" onClick={() => signIn.start('browser')}>
                Sign in with Microsoft
              </button>
            </>
          )}
        </li>
        <li>
          <strong>Pick library and folder</strong>: choose the SharePoint site, its document library
          and the folder files go to from lists in Settings&rsquo; SharePoint connection.{' '}
          <Link to="/settings">Pick library and folder in Settings</Link>
        </li>
        <li>
          <strong>Test</strong>: press Test connection in Settings to see that SiteDrop can reach
          the library and write to it. <Link to="/settings">Open Test connection</Link>
        </li>
      </ol>
      <p>
        {firstFolder === undefined
          ? 'Then add a watched folder in Settings and drop a file into it to try it.'
          : `Drop a file into ${firstFolder.path} to try it.`}
      </p>
    </section>
  );
}

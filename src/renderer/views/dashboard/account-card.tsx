/**
 * The dashboard's account card (delegated sign-in): who SiteDrop signs in as, Sign out, and Sign
 * in with Microsoft (the system browser, or a new tab when the agent runs headless) or with a
 * code; a sign-in under way shows its page or code and Cancel; one that ended without anyone
 * signed in says why (cancelled, abandoned, refused). App-only agents say so and offer nothing.
 */
import { useEffect, useRef } from 'react';
import type { SignInStarted } from '../../../shared/feed-protocol.ts';
import type { Feed } from '../../feed/feed-context.tsx';
import type { AccountState } from '../../feed/use-account.ts';
import type { SignInControl } from './use-sign-in.ts';

/** The account card. */
export function AccountCard(props: {
  feed: Feed;
  account: AccountState | undefined;
  signIn: SignInControl;
}) {
  const { account, signIn } = props;
  useSettleWhenEnded(account, signIn);
  if (account === undefined) return null;
  const method = account.authMethod ?? 'delegated';
  return (
    <section className="card" aria-labelledby="account-title" data-testid="account-card">
      <h2 id="account-title">Microsoft account</h2>
      {method === 'delegated' ? (
        <DelegatedAccount account={account} signIn={signIn} feed={props.feed} />
      ) : (
        <p>
          SiteDrop signs in as the app itself (app-only, with a{' '}
          {method === 'certificate' ? 'certificate' : 'client secret'}): nobody needs to sign in.
        </p>
      )}
    </section>
  );
}

function DelegatedAccount(props: { feed: Feed; account: AccountState; signIn: SignInControl }) {
  const { account, signIn } = props;
  const person = account.account;
  const onSignOut = () => void props.feed.connection?.request('signOut', {}).catch(() => undefined);
  return (
    <>
      <p data-testid="account-status">
        <strong>
          {person === null
            ? 'Not signed in'
            : `Signed in as ${person.name === null ? person.username : `${person.name} (${person.username})`}`}
        </strong>
      </p>
      {account.isSignInRequired ? (
        <p>The sign-in service refused the stored sign-in: sign in again to send waiting files.</p>
      ) : null}
      {signIn.started !== undefined ? (
        <SignInUnderWay started={signIn.started} onCancel={signIn.cancel} />
      ) : (
        <p className="actions">
          {person === null || account.isSignInRequired ? (
            <>
              <button type="button" onClick={() => signIn.start('browser')}>
                Sign in with Microsoft
              </button>{' '}
              <button type="button" onClick={() => signIn.start('deviceCode')}>
                Sign in with a code
              </button>
            </>
          ) : null}
          {person !== null ? (
            <button type="button" onClick={onSignOut}>
              Sign out
            </button>
          ) : null}
        </p>
      )}
      <p role="status" data-testid="sign-in-outcome">
        {signIn.refusal ?? (signIn.started === undefined ? account.lastSignInFailure : null)}
      </p>
    </>
  );
}

function SignInUnderWay(props: { started: SignInStarted; onCancel: () => void }) {
  const { started } = props;
  return (
    <div data-testid="sign-in-under-way">
      {started.method === 'browser' ? (
        <p>
          Finish signing in in the browser.{' '}
          <a href={started.authorizeUrl} target="_blank" rel="noopener noreferrer">
            Open the sign-in page
          </a>{' '}
          if no browser tab opened.
        </p>
      ) : (
        <p>
          Open <a href={started.verificationUri}>{started.verificationUri}</a> and enter the code{' '}
          <strong data-testid="user-code">{started.userCode}</strong>.
        </p>
      )}
      <p>
        <button type="button" onClick={props.onCancel}>
          Cancel sign-in
        </button>
      </p>
    </div>
  );
}

/**
 * Forgets the page's started sign-in once the agent says it ended: someone signed in, it failed,
 * or the agent no longer has one under way.
 */
function useSettleWhenEnded(account: AccountState | undefined, signIn: SignInControl): void {
  const wasSigningIn = useRef(false);
  const outcome = `${account?.account?.username ?? ''}\n${account?.lastSignInFailure ?? ''}\n${String(account?.isSignInRequired)}`;
  const lastOutcome = useRef(outcome);
  const isSigningIn = account?.isSigningIn ?? false;
  const { settle } = signIn;
  useEffect(() => {
    const hasEnded = wasSigningIn.current && !isSigningIn;
    wasSigningIn.current = isSigningIn;
    if (hasEnded || outcome !== lastOutcome.current) settle();
    lastOutcome.current = outcome;
  }, [outcome, isSigningIn, settle]);
}

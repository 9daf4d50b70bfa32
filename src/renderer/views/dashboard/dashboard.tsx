/**
 * The dashboard, by card: the first-run steps while no connection is configured
 * (`first-run-steps.tsx`), overall health (`health-card.tsx`), the signed-in account
 * (`account-card.tsx`), the SharePoint connection and its
 * breaker (`sharepoint-card.tsx`), throughput (`components/throughput-card.tsx`), files by state
 * (`state-tiles.tsx`), head office's responses (`responses/responses-panel.tsx`), the watched folders (`folders-table.tsx`) and diagnostics.
 */
import { ExportDiagnostics } from '../../components/export-diagnostics.tsx';
import { ThroughputCard } from '../../components/throughput-card.tsx';
import { useFeedState } from '../../feed/feed-context.tsx';
import { useNow } from '../../format/use-now.ts';
import { useAccount } from '../../feed/use-account.ts';
import { AccountCard } from './account-card.tsx';
import { FirstRunSteps } from './first-run-steps.tsx';
import { FoldersTable } from './folders-table.tsx';
import { HealthCard } from './health-card.tsx';
import { SharePointCard } from './sharepoint-card.tsx';
import { StateTiles } from './state-tiles.tsx';
import { ResponsesPanel } from '../responses/responses-panel.tsx';
import { useSignIn } from './use-sign-in.ts';

/** The dashboard screen. */
export function Dashboard() {
  const feed = useFeedState();
  const { state } = feed;
  const nowMs = useNow(1_000);
  const account = useAccount(feed);
  const signIn = useSignIn(feed);
  if (!state.hasSnapshot || state.counts === undefined || state.connection === undefined) {
    return <p className="muted">Loading the agent’s status…</p>;
  }
  const { counts, connection } = state;
  return (
    <div className="stack">
      {!connection.isConfigured ? (
        <FirstRunSteps feed={feed} account={account} signIn={signIn} />
      ) : null}
      <HealthCard
        feed={feed}
        counts={counts}
        nowMs={nowMs}
        signInAgain={{
          isRequired: account?.isSignInRequired === true,
          start: () => signIn.start('browser'),
        }}
      />
      <AccountCard feed={feed} account={account} signIn={signIn} />
      <div className="grid">
        <SharePointCard connection={connection} nowMs={nowMs} />
        <ThroughputCard feed={feed} counts={counts} nowMs={nowMs} />
      </div>
      <section className="card" aria-labelledby="counts-title">
        <h2 id="counts-title">Files by state</h2>
        <StateTiles counts={counts} />
      </section>
      <ResponsesPanel feed={feed} />
      <FoldersTable feed={feed} />
      <ExportDiagnostics />
    </div>
  );
}

/**
 * The dashboard's health card: overall health in one word (the rule the tray icon uses), a
 * sentence, the reasons as links to the files concerned, Pause all uploads / Resume uploads (beside
 * "Paused", where a person looks for it), and "Retry N failed files" with its
 * result.
 */
import { useEffect, useRef, useState } from 'react';
import type { FolderView, StateCounts } from '../../../shared/feed-protocol.ts';
import { formatCount } from '../../../shared/format/count.ts';
import {
  overallHealth,
  signInAgainSentence,
  type OverallHealth,
} from '../../../shared/overall-health.ts';
import { countInGroup } from '../../../shared/state-vocabulary.ts';
import type { Feed } from '../../feed/feed-context.tsx';
import { FeedCommandError } from '../../feed/feed-connection.ts';
import { Link } from '../../router.tsx';
import { PauseButton } from './pause-button.tsx';
import { SharePointWaitNotice, sharePointWaitAt } from '../../components/sharepoint-wait.tsx';

const healthWords: Readonly<Record<OverallHealth, { title: string; tone: string }>> = {
  ok: { title: 'All good', tone: 'good' },
  working: { title: 'Working', tone: 'busy' },
  waiting: { title: 'Waiting for SharePoint', tone: 'warn' },
  paused: { title: 'Paused', tone: 'warn' },
  attention: { title: 'Needs attention', tone: 'bad' },
};

/** The health card; `feed` has a snapshot. */
export function HealthCard(props: {
  feed: Feed;
  counts: StateCounts;
  nowMs: number;
  /** Whether the sign-in service refused the signed-in person, and the one click to sign in. */
  signInAgain?: { isRequired: boolean; start(): void };
}) {
  const { feed, counts, nowMs, signInAgain } = props;
  const { state } = feed;
  const connection = state.connection;
  const [retryAllMessage, setRetryAllMessage] = useState<string | undefined>();
  const retryAll = useRetryAllFocus(counts.failed > 0);
  const breaker = connection?.breaker ?? 'closed';
  const unavailable = state.folders.filter((folder) => folder.health.status === 'unavailable');
  const health = overallHealth({
    counts,
    isPaused: state.delivery.isPaused,
    breaker,
    unavailableFolderCount: unavailable.length,
    isThrottled: sharePointWaitAt(connection, nowMs) !== undefined,
    isSignInRequired: signInAgain?.isRequired === true,
  });
  const reasons = healthReasons(
    counts,
    unavailable,
    state.delivery.isPaused,
    connection?.status === 'auth-failed',
  );
  return (
    <section
      className={`card health tone-${healthWords[health].tone}`}
      aria-labelledby="health-title"
      data-health={health}
    >
      <h2 id="health-title">{healthWords[health].title}</h2>
      {signInAgain?.isRequired === true ? (
        <p data-testid="sign-in-again">
          <strong>{signInAgainSentence}.</strong> Files wait safely until then.{' '}
          <button type="button" onClick={signInAgain.start}>
            Sign in again
          </button>
        </p>
      ) : null}
      <p>
        {healthSentence(
          health,
          countInGroup(counts, 'on-its-way'),
          countInGroup(counts, 'will-retry'),
          counts,
        )}
      </p>
      {health === 'waiting' && connection !== undefined ? (
        <SharePointWaitNotice
          feed={feed}
          connection={connection}
          nowMs={nowMs}
          onResult={setRetryAllMessage}
        />
      ) : null}
      {reasons.length > 0 ? (
        <ul>
          {reasons.map((reason) => (
            <li key={reason.text}>
              {reason.link ? <Link to={reason.link}>{reason.text}</Link> : reason.text}
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <PauseButton feed={feed} folderId={null} isPaused={state.delivery.isPaused} />
      </p>
      {retryAll.isShown ? (
        <p>
          <RetryAllFailed
            feed={feed}
            count={counts.failed}
            onResult={setRetryAllMessage}
            onBusy={retryAll.setIsBusy}
            onPress={retryAll.markPressed}
          />
        </p>
      ) : null}
      {/* Outside the button, which goes once no file is failed: the result stays readable and
          is announced, as a live region present before its text changes is. It takes the focus
          when the button goes from under it. */}
      <p role="status" className="retry-all-result" tabIndex={-1} ref={retryAll.resultRef}>
        {retryAllMessage}
      </p>
    </section>
  );
}

/**
 * Whether "Retry N failed files" is shown (while a file is failed, and while its command runs),
 * and the focus it leaves behind: once no file is failed the pressed button goes, and the focus
 * that fell to the page with it moves to the result line.
 */
function useRetryAllFocus(hasFailed: boolean) {
  const [isBusy, setIsBusy] = useState(false);
  const wasPressed = useRef(false);
  const resultRef = useRef<HTMLParagraphElement>(null);
  const isShown = hasFailed || isBusy;
  useEffect(() => {
    if (isShown || !wasPressed.current) return;
    wasPressed.current = false;
    if (document.activeElement === document.body || document.activeElement === null) {
      resultRef.current?.focus();
    }
  }, [isShown]);
  const markPressed = () => {
    wasPressed.current = true;
  };
  return { isShown, setIsBusy, markPressed, resultRef };
}

function RetryAllFailed(props: {
  feed: Feed;
  count: number;
  onResult: (message: string) => void;
  onBusy: (isBusy: boolean) => void;
  onPress: () => void;
}) {
  const { onResult, onBusy } = props;
  const [isBusy, setIsBusy] = useState(false);
  const finish = (message: string) => {
    setIsBusy(false);
    onBusy(false);
    onResult(message);
  };
  const onClick = () => {
    const connection = props.feed.connection;
    if (!connection || isBusy) return;
    props.onPress();
    setIsBusy(true);
    onBusy(true);
    connection.request('retryAllFailed', {}).then(
      (result) =>
        finish(
          `${formatCount(result.itemIds.length)} file${result.itemIds.length === 1 ? '' : 's'} queued again: SiteDrop sends ${result.itemIds.length === 1 ? 'it' : 'them'} now.`,
        ),
      (failure: unknown) =>
        finish(failure instanceof FeedCommandError ? failure.message : String(failure)),
    );
  };
  return (
    <button
      type="button"
      onClick={onClick}
      aria-disabled={isBusy || props.count === 0 ? true : undefined}
    >
      Retry {formatCount(props.count)} failed file{props.count === 1 ? '' : 's'}
    </button>
  );
}

function healthSentence(
  health: OverallHealth,
  onItsWay: number,
  willRetry: number,
  counts: StateCounts,
): string {
  switch (health) {
    case 'ok':
      return counts.delivered > 0
        ? 'Every file dropped so far has arrived in SharePoint or needs nothing more.'
        : 'Nothing to deliver yet. Files dropped into a watched folder appear here.';
    case 'working':
      return [
        onItsWay > 0
          ? `${formatCount(onItsWay)} ${onItsWay === 1 ? 'file is on its' : 'files are on their'} way to SharePoint.`
          : '',
        willRetry > 0
          ? `${formatCount(willRetry)} ${willRetry === 1 ? 'file' : 'files'} will be retried, by SiteDrop itself.`
          : '',
      ]
        .filter(Boolean)
        .join(' ');
    case 'waiting':
      return 'SharePoint is not taking files right now. SiteDrop waits and then sends them by itself; nothing is lost.';
    case 'paused':
      return 'Delivery is paused: files are recorded and kept safely until it resumes.';
    case 'attention':
      return 'Something needs a person. SiteDrop keeps every file safe meanwhile.';
  }
}

function healthReasons(
  counts: StateCounts,
  unavailable: readonly FolderView[],
  isPaused: boolean,
  authFailed: boolean,
): { text: string; link?: string }[] {
  const reasons: { text: string; link?: string }[] = [];
  if (counts.failed > 0) {
    reasons.push({
      text: `${formatCount(counts.failed)} file${counts.failed === 1 ? '' : 's'} could not be delivered`,
      link: '/activity?state=failed',
    });
  }
  if (counts.quarantined > 0) {
    reasons.push({
      text:
        counts.quarantined === 1
          ? '1 file was set aside and needs correcting'
          : `${formatCount(counts.quarantined)} files were set aside and need correcting`,
      link: '/activity?state=quarantined',
    });
  }
  if (authFailed) {
    reasons.push({ text: 'SharePoint refused SiteDrop’s sign-in', link: '/settings' });
  }
  for (const folder of unavailable) {
    reasons.push({ text: `The folder ${folder.label ?? folder.id} cannot be read` });
  }
  if (isPaused) reasons.push({ text: 'Delivery is paused for all folders' });
  return reasons;
}

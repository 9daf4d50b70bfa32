/**
 * The dashboard's throughput card: how many files are on their way, will retry, upload now and
 * arrived in the last minute; the data rate from bytes that moved; and the progress of the files
 * on their way with the time left ("12 MB of 40 MB, about 1 min left").
 *
 * While the page is not connected to the agent, the figures are what it last knew: they are
 * greyed out and described as not current, and the rate reads 0 (nothing is known to move).
 */
import type { StateCounts } from '../../shared/feed-protocol.ts';
import { formatBytes } from '../../shared/format/bytes.ts';
import { formatCount } from '../../shared/format/count.ts';
import { countInGroup, itemStateGroups } from '../../shared/state-vocabulary.ts';
import type { Feed } from '../feed/feed-context.tsx';
import type { BatchProgress } from '../feed/transfer-meter.ts';
import { formatTimeLeft } from '../format/format.ts';

/** The throughput card, for a page that has its first snapshot. */
export function ThroughputCard(props: { feed: Feed; counts: StateCounts; nowMs: number }) {
  const { feed, counts, nowMs } = props;
  const isLive = feed.status.kind === 'open';
  const throughput = feed.state.throughput(nowMs);
  const bytesPerSecond = isLive ? throughput.bytesPerSecond : 0;
  const batch = feed.state.batchProgress();
  return (
    <section
      className={`card${isLive ? '' : ' is-stale'}`}
      aria-labelledby="throughput-title"
      data-stale={isLive ? undefined : 'true'}
    >
      <h2 id="throughput-title">Throughput</h2>
      {isLive ? null : (
        <p id="throughput-stale" className="stale-note">
          Not current: the connection to the agent is lost. These are the last figures it sent.
        </p>
      )}
      <dl className="figures" aria-describedby={isLive ? undefined : 'throughput-stale'}>
        <div>
          <dt>{itemStateGroups['on-its-way'].label}</dt>
          <dd data-testid="queue-depth">{formatCount(countInGroup(counts, 'on-its-way'))}</dd>
        </div>
        <div>
          <dt>{itemStateGroups['will-retry'].label}</dt>
          <dd>{formatCount(countInGroup(counts, 'will-retry'))}</dd>
        </div>
        <div>
          <dt>Uploading now</dt>
          <dd>{formatCount(counts.uploading)}</dd>
        </div>
        <div>
          <dt>Delivered in the last minute</dt>
          <dd>{formatCount(throughput.deliveredLastMinute)}</dd>
        </div>
        <div>
          <dt>Data rate</dt>
          <dd data-testid="data-rate">{formatBytes(Math.round(bytesPerSecond))}/s</dd>
        </div>
      </dl>
      {batch !== undefined && isLive ? (
        <p data-testid="overall-progress">{batchSentence(batch, bytesPerSecond)}</p>
      ) : null}
    </section>
  );
}

/** "12 MB of 40 MB, about 1 min left" (without the time while nothing moves). */
function batchSentence(batch: BatchProgress, bytesPerSecond: number): string {
  const sent = `${formatBytes(batch.sentBytes)} of ${formatBytes(batch.totalBytes)}`;
  const leftBytes = batch.totalBytes - batch.sentBytes;
  if (leftBytes <= 0 || bytesPerSecond <= 0) return `${sent} sent`;
  return `${sent}, ${formatTimeLeft((leftBytes / bytesPerSecond) * 1000)}`;
}

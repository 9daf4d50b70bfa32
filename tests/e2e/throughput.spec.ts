/**
 * The throughput card tells what moves: the data rate comes from upload progress (not from the
 * sizes of files delivered in the last minute), it falls to 0 once nothing moves, the files on
 * their way show how far they have come, and the figures are marked not current while the page
 * is not connected to the agent.
 */
import { expect, test } from './helpers/fixtures.ts';

const chunkSizeBytes = 327_680 * 8;

test('the data rate follows the bytes moving, and reads 0 when nothing moves or the agent is stopped', async ({
  page,
  sitedrop,
}) => {
  // Two uploads of 28 MB, each slowed down so that it can be watched.
  test.setTimeout(120_000);
  await sitedrop.start({ delivery: { chunkSizeBytes } });
  // Every fragment of an upload session takes 600 ms: a 28 MB file takes several seconds.
  await sitedrop.emulator.addFault({ method: 'PUT', path: '/_upload/', delayMs: 600 });
  await sitedrop.open(page, '/');
  const card = page.getByRole('region', { name: 'Throughput' });
  const rate = card.getByTestId('data-rate');
  await expect(rate).toHaveText('0 bytes/s');

  sitedrop.drop('survey-scan.pdf', Buffer.alloc(28_000_000, 'scan'));
  // While the file uploads, bytes move: the rate is not 0.
  await expect(rate).not.toHaveText('0 bytes/s', { timeout: 20_000 });
  await expect(card.getByTestId('overall-progress')).toHaveText(
    /^[\d.]+ (MB|kB|bytes) of 28 MB(, (about \d+ min|less than a minute) left| sent)$/,
  );

  // Delivered: nothing moves any more, so within the rate's window it reads 0 again (it used to
  // spread the delivered file over a minute).
  await expect(page.locator('a[data-group="delivered"] .count-number')).toHaveText('1', {
    timeout: 60_000,
  });
  await expect(card.getByTestId('overall-progress')).toHaveCount(0);
  await expect(rate).toHaveText('0 bytes/s', { timeout: 12_000 });

  // The agent stops while a second file uploads: the page keeps its last figures, greyed and
  // said to be not current, and the rate reads 0.
  sitedrop.drop('site-photos.zip', Buffer.alloc(28_000_000, 'photo'));
  await expect(rate).not.toHaveText('0 bytes/s', { timeout: 20_000 });
  await sitedrop.stopAgent();
  await expect(card).toHaveAttribute('data-stale', 'true');
  await expect(rate).toHaveText('0 bytes/s');
  await expect(card.locator('dl')).toHaveAccessibleDescription(/Not current/);
  await expect(card.getByTestId('overall-progress')).toHaveCount(0);
});

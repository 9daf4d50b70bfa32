/**
 * Issue 5, "Done when": reconnecting after the agent restarts resumes the feed without losing
 * events. The page shows that it is reconnecting, offers its last seq, and is replayed what
 * happened while it was away (here: a file dropped while the agent was down and delivered
 * right after it came back, possibly before the page reconnected).
 */
import { expect, test } from './helpers/fixtures.ts';

test('after the agent restarts, the page reconnects and shows what happened meanwhile', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  const sockets: { url: string; frames: string[] }[] = [];
  page.on('websocket', (socket) => {
    const record = { url: socket.url(), frames: [] as string[] };
    sockets.push(record);
    socket.on('framereceived', (frame) => record.frames.push(String(frame.payload)));
  });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('before.pdf', 'dropped while connected');
  await expect(
    page.getByRole('article', { name: 'before.pdf' }).getByText('Delivered'),
  ).toBeVisible();

  await sitedrop.stopAgent();
  await expect(page.getByTestId('link-state')).toHaveText(/Reconnecting/);
  await expect(page.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible();

  sitedrop.drop('while-away.pdf', 'dropped while the agent was down');
  await sitedrop.restartAgent();

  await expect(page.getByTestId('link-state')).toHaveText(/Live/, { timeout: 20_000 });
  await expect(
    page.getByRole('article', { name: 'while-away.pdf' }).getByText('Delivered'),
  ).toBeVisible();
  await expect(
    page.getByRole('article', { name: 'before.pdf' }).getByText('Delivered'),
  ).toBeVisible();
  expect(sitedrop.delivered('while-away.pdf')?.toString()).toBe('dropped while the agent was down');

  // The reconnect resumed from the log rather than starting over.
  const resumed = sockets.filter((socket) => socket.url.includes('lastSeq='));
  expect(resumed.length).toBeGreaterThan(0);
  const hello = resumed
    .flatMap((socket) => socket.frames)
    .map((frame) => JSON.parse(frame) as { type: string; sync?: { mode: string } })
    .find((message) => message.type === 'hello');
  expect(hello?.sync?.mode).toBe('events');

  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('link', { name: '2 Delivered', exact: true })).toBeVisible();
});

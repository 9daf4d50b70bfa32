/**
 * Issue 5, "Done when": a connection without the token, with a foreign Origin, or with a
 * foreign Host header is refused; and the page keeps its token out of the address bar.
 */
import { WebSocket } from 'ws';
import { expect, test } from './helpers/fixtures.ts';

test('the page moves its token out of the address bar, and without a valid token it says how to get in', async ({
  page,
  sitedrop,
}) => {
  const agent = await sitedrop.start();
  await sitedrop.open(page);
  expect(page.url()).not.toContain('token');
  expect(page.url()).toBe(`${agent.origin}/`);

  const fresh = await page.context().browser()!.newPage();
  await fresh.goto(`${agent.origin}/`);
  await expect(fresh.getByRole('alert')).toContainText('opened without its access key');
  await fresh.close();
  const wrongToken = await page.context().browser()!.newPage();
  await wrongToken.goto(`${agent.origin}/#token=not-the-token`);
  await expect(wrongToken.getByRole('alert')).toContainText(
    'did not accept this page’s access key',
    {
      timeout: 20_000,
    },
  );
  await wrongToken.close();
});

test('the feed refuses a missing token, a foreign Origin and a foreign Host', async ({
  sitedrop,
}) => {
  const agent = await sitedrop.start();
  const feedUrl = `ws://127.0.0.1:${agent.port}/feed`;
  const good = { protocols: ['sitedrop.v1', `token.${agent.token}`] };

  expect(await upgradeStatus(feedUrl, ['sitedrop.v1'], {})).toBe(401);
  expect(
    await upgradeStatus(feedUrl, good.protocols, { Origin: 'https://intranet.example.com' }),
  ).toBe(403);
  expect(
    await upgradeStatus(feedUrl, good.protocols, { Host: `rebound.example.com:${agent.port}` }),
  ).toBe(403);
  // The same request with the token, its own origin and host is accepted.
  expect(await upgradeStatus(feedUrl, good.protocols, { Origin: agent.origin })).toBe(101);

  const api = await fetch(`${agent.origin}/api/status`);
  expect(api.status).toBe(401);
  expect(await api.text()).not.toContain(agent.token);
});

/** The HTTP status of a WebSocket upgrade: 101 when it opened. */
function upgradeStatus(
  url: string,
  protocols: string[],
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { headers });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FeedPortInUseError } from '../../../src/main/core/feed/index.ts';
import { feedSubprotocol, feedSubprotocolOf } from '../../../src/shared/feed-protocol.ts';
import { httpRequest, TestFeedClient, upgradeStatus } from '../../helpers/feed-client.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startTestFeed } from './start-test-feed.ts';

describe('the feed refuses whoever is not the dashboard', () => {
  it('answers the API only with the token, never from a query string', async () => {
    const { feed } = await startTestFeed();
    const missing = await httpRequest(feed.port, 'GET', '/api/status');
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ type: 'error', code: 'auth.unauthorized' });
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    const wrong = await httpRequest(feed.port, 'GET', '/api/status', { token: 'x'.repeat(43) });
    expect(wrong.status).toBe(401);
    const inQuery = await httpRequest(feed.port, 'GET', `/api/status?token=${feed.token}`);
    expect(inQuery.status).toBe(401);
    const right = await httpRequest(feed.port, 'GET', '/api/status', { token: feed.token });
    expect(right.status).toBe(200);
    expect(JSON.stringify([missing.json, wrong.json])).not.toContain(feed.token);
  });

  it('opens the WebSocket only with the token, and never echoes it', async () => {
    const { feed } = await startTestFeed();
    expect(
      (await upgradeStatus(feed.port, { 'Sec-WebSocket-Protocol': feedSubprotocol })).status,
    ).toBe(401);
    expect(
      (
        await upgradeStatus(feed.port, {
          'Sec-WebSocket-Protocol': `${feedSubprotocol}, token.${'y'.repeat(43)}`,
        })
      ).status,
    ).toBe(401);
    const accepted = await upgradeStatus(feed.port, {
      'Sec-WebSocket-Protocol': `${feedSubprotocol}, token.${feed.token}`,
    });
    expect(accepted).toMatchObject({ status: 101, protocol: feedSubprotocol });
    const withHeader = await upgradeStatus(feed.port, {
      'Sec-WebSocket-Protocol': feedSubprotocol,
      Authorization: `Bearer ${feed.token}`,
    });
    expect(withHeader.status).toBe(101);
    const client = await TestFeedClient.connect(feed);
    expect(client.socket.protocol).toBe(feedSubprotocolOf(client.version));
    expect((await client.waitFor((message) => message.type === 'hello')).v).toBe(1);
  });

  it('refuses a page from another site (foreign Origin) over HTTP and WebSocket', async () => {
    const { feed } = await startTestFeed({ allowedOrigins: ['app://sitedrop'] });
    const origin = { Origin: 'https://evil.example' };
    const api = await httpRequest(feed.port, 'GET', '/api/status', {
      token: feed.token,
      headers: origin,
    });
    expect(api.status).toBe(403);
    expect(api.json).toMatchObject({ code: 'request.forbidden' });
    const socket = await upgradeStatus(feed.port, {
      ...origin,
      'Sec-WebSocket-Protocol': `${feedSubprotocol}, token.${feed.token}`,
    });
    expect(socket.status).toBe(403);
    for (const allowed of [
      `http://127.0.0.1:${feed.port}`,
      `http://localhost:${feed.port}`,
      'app://sitedrop',
    ]) {
      const response = await httpRequest(feed.port, 'GET', '/api/status', {
        token: feed.token,
        headers: { Origin: allowed },
      });
      expect(response.status, allowed).toBe(200);
    }
  });

  it('refuses a DNS-rebound name (foreign Host) over HTTP and WebSocket', async () => {
    const { feed } = await startTestFeed();
    const host = { Host: `evil.example:${feed.port}` };
    expect(
      (await httpRequest(feed.port, 'GET', '/api/status', { token: feed.token, headers: host }))
        .status,
    ).toBe(403);
    expect((await httpRequest(feed.port, 'GET', '/', { headers: host })).status).toBe(403);
    const socket = await upgradeStatus(feed.port, {
      ...host,
      'Sec-WebSocket-Protocol': `${feedSubprotocol}, token.${feed.token}`,
    });
    expect(socket.status).toBe(403);
    const localhost = await httpRequest(feed.port, 'GET', '/api/status', {
      token: feed.token,
      headers: { Host: `localhost:${feed.port}` },
    });
    expect(localhost.status).toBe(200);
  });

  it('listens on 127.0.0.1 only', async () => {
    const { feed } = await startTestFeed();
    expect(feed.url).toBe(`http://127.0.0.1:${feed.port}`);
    const otherAddresses = Object.values(os.networkInterfaces())
      .flat()
      .filter((entry) => entry !== undefined && !entry.internal)
      .map((entry) => entry!.address);
    for (const address of ['::1', ...otherAddresses]) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: address, port: feed.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(outcome, address).not.toBe('connected');
    }
  });

  it('sends security headers, and no-store on the API', async () => {
    const { feed } = await startTestFeed();
    const page = await httpRequest(feed.port, 'GET', '/');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain(`ws://127.0.0.1:${feed.port}`);
    const api = await httpRequest(feed.port, 'GET', '/api/status', { token: feed.token });
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps one 0600 token per data directory, reused across restarts', async () => {
    const dataDir = makeTempDir();
    const first = await startTestFeed({ dataDir });
    const tokenFile = path.join(dataDir, 'feed-token');
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(first.feed.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.feed.dashboardUrl).toBe(
      `http://127.0.0.1:${first.feed.port}/#token=${first.feed.token}`,
    );
    await first.feed.close();
    first.store.close();
    const second = await startTestFeed({ dataDir });
    expect(second.feed.token).toBe(first.feed.token);
    const other = await startTestFeed();
    expect(other.feed.token).not.toBe(first.feed.token);
  });

  it('says which port is busy and how to fix it', async () => {
    const { feed } = await startTestFeed();
    const attempt = startTestFeed({ port: feed.port });
    await expect(attempt).rejects.toBeInstanceOf(FeedPortInUseError);
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `port ${feed.port} on 127\\.0\\.0\\.1 is already in use.*Set feed\\.port in .*config\\.json`,
      ),
    );
  });

  it('bounds the number of clients', async () => {
    const { feed } = await startTestFeed({ limits: { maxClients: 2 } });
    await TestFeedClient.connect(feed);
    const second = await TestFeedClient.connect(feed);
    const third = await upgradeStatus(feed.port, {
      'Sec-WebSocket-Protocol': `${feedSubprotocol}, token.${feed.token}`,
    });
    expect(third.status).toBe(503);
    second.close();
    await second.closed;
    await expect.poll(() => feed.clientCount).toBe(1);
    expect((await TestFeedClient.connect(feed)).socket.readyState).toBe(1);
  });

  it('serves the built UI without the token, and nothing outside it', async () => {
    const root = makeTempDir();
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>SiteDrop UI</title>');
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`), 'secret');
    onTestFinished(() =>
      fs.rmSync(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`)),
    );
    const { feed } = await startTestFeed({ staticRoot: root });
    const index = await httpRequest(feed.port, 'GET', '/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('SiteDrop UI');
    const script = await httpRequest(feed.port, 'GET', '/assets/app.js');
    expect(script.headers['content-type']).toContain('text/javascript');
    expect((await httpRequest(feed.port, 'GET', '/activity')).text).toContain('SiteDrop UI');
    expect((await httpRequest(feed.port, 'GET', '/missing.js')).status).toBe(404);
    const escape = await httpRequest(feed.port, 'GET', `/..%2f${path.basename(root)}-secret.txt`);
    expect(escape.status).toBe(404);
    expect(escape.text).not.toContain('secret');
  });

  it('says the UI is not built yet when it is not', async () => {
    const { feed } = await startTestFeed();
    const page = await httpRequest(feed.port, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('not built yet');
    expect(page.text).toContain('vite build');
  });
});

import { describe, expect, it } from 'vitest';
import { routeApiRequest } from '../../../../../../src/main/core/feed/http/http-api.ts';
import { ClientMessageSchema } from '../../../../../../src/shared/feed-protocol.ts';

const route = (method: string, url: string, body: Record<string, unknown> = {}) => {
  const parsed = new URL(url, 'http://127.0.0.1');
  return routeApiRequest(method, parsed.pathname, parsed.searchParams, body);
};

describe('the HTTP API routes', () => {
  it('maps each route to the command the WebSocket would send', () => {
    const cases: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
      ['GET', '/api/status', {}, { type: 'getStatus' }],
      ['GET', '/api/items/12', {}, { type: 'getItem', itemId: 12 }],
      ['POST', '/api/items/12/retry', {}, { type: 'retryItem', itemId: 12 }],
      ['POST', '/api/retry-failed', {}, { type: 'retryAllFailed' }],
      [
        'POST',
        '/api/pause',
        { folderId: 'requests' },
        { type: 'pauseDelivery', folderId: 'requests' },
      ],
      ['POST', '/api/resume', {}, { type: 'resumeDelivery', folderId: null }],
      ['PUT', '/api/settings', { config: { a: 1 } }, { type: 'saveSettings', config: { a: 1 } }],
      [
        'GET',
        '/api/items?state=failed&state=queued,retrying&folderId=f&search=RQ-1&beforeId=9&limit=5',
        {},
        {
          type: 'listItems',
          filter: {
            states: ['failed', 'queued', 'retrying'],
            folderId: 'f',
            search: 'RQ-1',
            beforeId: 9,
            limit: 5,
          },
        },
      ],
    ];
    for (const [method, url, body, expected] of cases) {
      const result = route(method, url, body);
      expect(result, url).toEqual({ kind: 'command', message: { ...expected, v: 1, id: 'http' } });
      if (result.kind === 'command')
        expect(ClientMessageSchema.safeParse(result.message).success, url).toBe(true);
    }
  });

  it('leaves a bad id for the schema to refuse by name, and knows wrong paths and methods', () => {
    const bad = route('GET', '/api/items/abc');
    expect(bad.kind === 'command' && ClientMessageSchema.safeParse(bad.message).success).toBe(
      false,
    );
    expect(route('GET', '/api/unknown')).toEqual({ kind: 'not-found' });
    expect(route('DELETE', '/api/settings')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'PUT'],
    });
  });
});

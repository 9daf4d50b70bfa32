import { describe, expect, it } from 'vitest';
import {
  GraphClient,
  encodePath,
} from '../../../../../../src/main/core/delivery/graph/graph-client.ts';
import type {
  HttpRequest,
  HttpResponse,
  HttpTransport,
} from '../../../../../../src/main/core/delivery/graph/http-transport.ts';
import type { TokenProvider } from '../../../../../../src/main/core/delivery/graph/token-provider.ts';

/** A transport that records each request and answers with the given statuses in turn. */
function recordingTransport(statuses: number[]) {
  const requests: HttpRequest[] = [];
  const transport = {
    async send(request: HttpRequest): Promise<HttpResponse> {
      requests.push(request);
      return {
        status: statuses.shift() ?? 201,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"id":"item"}'),
      };
    },
  };
  return { requests, transport: transport as unknown as HttpTransport };
}

function tokenSource() {
  const asked: boolean[] = [];
  const tokens = {
    async getToken(options: { isFresh?: boolean } = {}) {
      asked.push(options.isFresh ?? false);
      return `token-${asked.length}`;
    },
  };
  return { asked, tokens: tokens as unknown as TokenProvider };
}

const path = `/drives/${encodeURIComponent('b!a=+/x')}/root:/${encodePath('Incoming/a b/ü#%.txt')}:/content?@microsoft.graph.conflictBehavior=fail`;

describe('GraphClient (issue 7: a content PUT without the Graph client)', () => {
  it("sends a content PUT with the URL, headers and token the Graph client's chain sends", async () => {
    const { requests, transport } = recordingTransport([201, 201]);
    const graph = new GraphClient({
      graphBaseUrl: 'https://graph.example/v1.0/',
      tokens: tokenSource().tokens,
      transport,
    });
    const call = {
      method: 'PUT' as const,
      path,
      contentType: 'application/octet-stream',
      signal: new AbortController().signal,
      action: 'uploading "a"',
    };
    // A string body still goes through the Graph client: the reference.
    await graph.send({ ...call, body: 'content' });
    const response = await graph.send({ ...call, body: Buffer.from('content') });
    expect(response.status).toBe(201);
    const [viaClient, direct] = requests;
    expect(direct!.url).toBe(viaClient!.url);
    expect(direct!.url).toBe(`https://graph.example/v1.0${path}`);
    expect(direct!.method).toBe('PUT');
    expect({ ...direct!.headers, Authorization: 'x' }).toEqual({
      ...viaClient!.headers,
      Authorization: 'x',
    });
    expect(direct!.headers).toMatchObject({
      'Content-Type': 'application/octet-stream',
      Authorization: 'Bearer token-2',
    });
    expect(Buffer.from(direct!.body as Buffer).toString()).toBe('content');
    expect(direct!.signal).toBe(call.signal);
    expect(direct!.action).toBe(call.action);
  });

  it('answers a 401 with one fresh token and one more send; a second 401 comes back as it is', async () => {
    const { requests, transport } = recordingTransport([401, 201, 401, 401]);
    const { asked, tokens } = tokenSource();
    const graph = new GraphClient({
      graphBaseUrl: 'https://graph.example/v1.0',
      tokens,
      transport,
    });
    const call = {
      method: 'PUT' as const,
      path,
      body: Buffer.from('content'),
      signal: new AbortController().signal,
      action: 'uploading "a"',
    };
    expect((await graph.send(call)).status).toBe(201);
    expect(asked).toEqual([false, true]);
    expect(requests.map((request) => request.headers?.Authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect((await graph.send(call)).status).toBe(401);
    expect(asked).toEqual([false, true, false, true]);
    expect(requests).toHaveLength(4);
  });
});

import { describe, expect, it } from 'vitest';
import {
  ClientMessageSchema,
  ServerMessageSchema,
  commandParamSchemas,
  commandResultSchemas,
  commandTypes,
  emptyStateCounts,
  feedProtocolVersion,
  type ItemView,
} from '../../../src/shared/feed-protocol.ts';

const item: ItemView = {
  id: 7,
  folderId: 'requests',
  path: 'site-a/report.pdf',
  state: 'failed',
  sizeBytes: 1234,
  sha256: null,
  quickXorHash: null,
  remoteUrl: null,
  errorCode: 'graph.forbidden',
  errorMessage: 'SharePoint refused the upload.',
  attempts: 3,
  nextAttemptAt: null,
  request: { requestId: 'RQ-1' },
  targetPath: 'Requests/site-a/report.pdf',
  duplicateOfItemId: null,
  firstQueuedAt: 1,
  createdAt: 1,
  updatedAt: 2,
};

describe('the feed protocol', () => {
  it('has a parameter and a result schema for every command', () => {
    expect(Object.keys(commandResultSchemas).sort()).toEqual(
      Object.keys(commandParamSchemas).sort(),
    );
    for (const type of commandTypes) {
      const parsed = ClientMessageSchema.safeParse({ type, v: 1, id: 'r1' });
      // Commands without required parameters parse as they are; the others name what is missing.
      if (!parsed.success) {
        expect(parsed.error.issues.map((issue) => issue.path.join('.'))).not.toContain('type');
      }
    }
  });

  it('parses a command with its parameters and refuses one without a request id', () => {
    expect(ClientMessageSchema.parse({ type: 'retryItem', v: 1, id: 'a', itemId: 7 })).toEqual({
      type: 'retryItem',
      v: 1,
      id: 'a',
      itemId: 7,
    });
    expect(ClientMessageSchema.safeParse({ type: 'retryItem', v: 1, itemId: 7 }).success).toBe(
      false,
    );
    expect(ClientMessageSchema.safeParse({ type: 'dropTables', v: 1, id: 'a' }).success).toBe(
      false,
    );
  });

  it('refuses a message of another protocol version', () => {
    expect(
      ClientMessageSchema.safeParse({ type: 'getStatus', v: feedProtocolVersion + 1, id: 'a' })
        .success,
    ).toBe(false);
  });

  it('checks a result against the schema of the command it answers', () => {
    const result = { type: 'result', v: 1, id: 'a', command: 'retryItem', result: { item } };
    expect(ServerMessageSchema.parse(result)).toEqual(result);
    expect(ServerMessageSchema.safeParse({ ...result, command: 'listItems' }).success).toBe(false);
  });

  it('carries logged events and snapshots', () => {
    const event = {
      type: 'event',
      v: 1,
      event: {
        type: 'item.failed',
        seq: 4,
        at: 5,
        data: { itemId: 7, errorCode: 'x', errorMessage: 'y' },
      },
    };
    expect(ServerMessageSchema.parse(event)).toEqual(event);
    const snapshot = {
      type: 'snapshot',
      v: 1,
      snapshot: {
        seq: 4,
        takenAt: 5,
        counts: emptyStateCounts(),
        folders: [],
        connection: {
          isConfigured: false,
          status: 'not-configured',
          breaker: 'closed',
          nextProbeAt: null,
          detail: 'SharePoint is not configured.',
          changedAt: null,
        },
        delivery: { isPaused: false, pausedFolderIds: [] },
        items: [item],
        nextCursor: null,
      },
    };
    expect(ServerMessageSchema.parse(snapshot)).toEqual(snapshot);
  });
});

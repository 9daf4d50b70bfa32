import { describe, expect, it } from 'vitest';
import { buildUploadSessionBody } from '../../../../../../src/main/core/delivery/graph/upload-session-body.ts';

describe('the createUploadSession body', () => {
  it('has only the documented "item" parameter, with size, conflict and the local times inside', () => {
    expect(
      buildUploadSessionBody({
        conflict: 'rename',
        sizeBytes: 5_000_000,
        modifiedAtMs: Date.UTC(2026, 2, 14, 9, 30, 0, 250),
        createdAtMs: Date.UTC(2026, 2, 1, 8, 0, 0),
      }),
    ).toEqual({
      item: {
        '@microsoft.graph.conflictBehavior': 'rename',
        fileSize: 5_000_000,
        fileSystemInfo: {
          createdDateTime: '2026-03-01T08:00:00.000Z',
          lastModifiedDateTime: '2026-03-14T09:30:00.250Z',
        },
      },
    });
  });

  it.each([
    ['a file system without creation times (0)', 0],
    ['no creation time at all', undefined],
  ])('leaves createdDateTime out for %s', (_case, createdAtMs) => {
    const body = buildUploadSessionBody({
      conflict: 'fail',
      sizeBytes: 1,
      modifiedAtMs: Date.UTC(2026, 0, 2),
      ...(createdAtMs === undefined ? {} : { createdAtMs }),
    });
    expect(body.item.fileSystemInfo).toEqual({ lastModifiedDateTime: '2026-01-02T00:00:00.000Z' });
  });

  it('sends no fileSystemInfo when no time is known (the write test of Test connection)', () => {
    expect(buildUploadSessionBody({ conflict: 'rename', sizeBytes: 1 })).toEqual({
      item: { '@microsoft.graph.conflictBehavior': 'rename', fileSize: 1 },
    });
  });
});

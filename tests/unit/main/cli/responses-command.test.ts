import { describe, expect, it } from 'vitest';
import { runResponses } from '../../../../src/main/cli/responses-command.ts';
import { runStatus } from '../../../../src/main/cli/status-command.ts';
import { openTestStore } from '../../../helpers/store.ts';
import { makeTempDir } from '../../../helpers/temp-dir.ts';

function recordResponses(dataDir: string) {
  const { store } = openTestStore(dataDir);
  const [ready, failed] = store.responses.applyDeltaPage('requests', [
    { remoteItemId: 'A', isDeleted: false, cTag: 'c1', name: 'REQ-77 answer.pdf', sizeBytes: 2048 },
    { remoteItemId: 'B', isDeleted: false, cTag: 'c2', name: 'CON.pdf', sizeBytes: 10 },
  ]);
  store.responses.startDownloading(ready!.id, 0);
  store.responses.markVerifying(ready!.id);
  store.responses.markReady(ready!.id, {
    localPath: '/home/site/SiteDrop/Responses/REQ-77 answer.pdf',
    sizeBytes: 2048,
    requestId: 'REQ-77',
  });
  store.responses.markFailed(
    failed!.id,
    'response.bad-name',
    'The response "CON.pdf" cannot be saved under its name.',
  );
  return { ready: ready!, failed: failed! };
}

describe('sitedrop responses', () => {
  it('lists the responses newest first, with where each is and why one needs a person', () => {
    const dataDir = makeTempDir();
    recordResponses(dataDir);
    expect(runResponses({ dataDir, json: false }).split('\n')).toEqual([
      `Responses in ${dataDir} (newest first):`,
      '  #2 failed: CON.pdf, 10 bytes',
      '      The response "CON.pdf" cannot be saved under its name.',
      '  #1 ready: REQ-77 answer.pdf, 2 kB for REQ-77',
      '      /home/site/SiteDrop/Responses/REQ-77 answer.pdf',
    ]);
  });

  it('gives status --json a responses list beside items, which stay as they were', () => {
    const dataDir = makeTempDir();
    const { ready } = recordResponses(dataDir);
    const report = JSON.parse(runStatus({ dataDir, json: true, all: false })) as Record<
      string,
      unknown
    >;
    expect(Object.keys(report).sort()).toEqual(['account', 'counts', 'items', 'responses']);
    expect(report.items).toEqual([]);
    expect((report.responses as unknown[]).at(-1)).toEqual({
      id: ready.id,
      request_id: 'REQ-77',
      name: 'REQ-77 answer.pdf',
      remotePath: null,
      localPath: '/home/site/SiteDrop/Responses/REQ-77 answer.pdf',
      state: 'ready',
      size: 2048,
      quickXorHash: null,
      error: null,
    });
    expect(JSON.parse(runResponses({ dataDir, json: true }))).toEqual({
      responses: report.responses,
    });
  });
});

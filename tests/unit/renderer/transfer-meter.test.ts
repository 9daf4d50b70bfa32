import { describe, expect, it } from 'vitest';
import type { ItemView } from '../../../src/shared/feed-protocol.ts';
import { newItemView } from '../../../src/renderer/feed/new-item-view.ts';
import { rateWindowMs, TransferMeter } from '../../../src/renderer/feed/transfer-meter.ts';

const at = Date.UTC(2026, 10, 21, 9, 0, 0);
const megabyte = 1_000_000;

function item(id: number, fields: Partial<ItemView>): ItemView {
  return {
    ...newItemView({
      id,
      folderId: 'office',
      path: `f${id}.pdf`,
      state: 'queued',
      sizeBytes: 0,
      at,
    }),
    ...fields,
  };
}

describe('TransferMeter: the data rate and the batch come from bytes that moved', () => {
  it('reads the bytes progress reported over the window, and 0 once nothing moves', () => {
    const meter = new TransferMeter();
    meter.noteItem(item(1, { state: 'uploading', sizeBytes: 28 * megabyte }));
    meter.noteUploadStarted(1);
    meter.noteProgress(1, 10 * megabyte, 28 * megabyte, at + 1_000);
    meter.noteProgress(1, 20 * megabyte, 28 * megabyte, at + 5_000);
    expect(meter.bytesPerSecond(at + 5_000)).toBe((20 * megabyte) / (rateWindowMs / 1000));
    // Nothing moved for a whole window: 0, not the last delivery spread over a minute.
    expect(meter.bytesPerSecond(at + 5_000 + rateWindowMs)).toBe(0);
  });

  it('does not count the bytes an upload sent before the page joined it', () => {
    const meter = new TransferMeter();
    meter.noteItem(item(1, { state: 'uploading', sizeBytes: 28 * megabyte }));
    meter.noteProgress(1, 20 * megabyte, 28 * megabyte, at);
    meter.noteProgress(1, 21 * megabyte, 28 * megabyte, at + 1_000);
    expect(meter.bytesPerSecond(at + 1_000)).toBe(megabyte / (rateWindowMs / 1000));
  });

  it('sums a batch: delivered files stay counted as done until the queue is empty', () => {
    const meter = new TransferMeter();
    meter.noteItem(item(1, { state: 'queued', sizeBytes: 10 * megabyte }));
    meter.noteItem(item(2, { state: 'queued', sizeBytes: 30 * megabyte }));
    meter.noteItem(item(1, { state: 'uploading', sizeBytes: 10 * megabyte }));
    meter.noteUploadStarted(1);
    meter.noteProgress(1, 10 * megabyte, 10 * megabyte, at);
    meter.noteItem(item(1, { state: 'delivered', sizeBytes: 10 * megabyte }));
    meter.noteItem(item(2, { state: 'uploading', sizeBytes: 30 * megabyte }));
    meter.noteUploadStarted(2);
    meter.noteProgress(2, 2 * megabyte, 30 * megabyte, at + 1_000);
    expect(meter.batch()).toEqual({
      sentBytes: 12 * megabyte,
      totalBytes: 40 * megabyte,
      filesOnTheirWay: 1,
    });
    meter.noteItem(item(2, { state: 'retrying', sizeBytes: 30 * megabyte }));
    expect(meter.batch()).toBeUndefined();
    meter.noteItem(item(3, { state: 'queued', sizeBytes: megabyte }));
    expect(meter.batch()).toEqual({ sentBytes: 0, totalBytes: megabyte, filesOnTheirWay: 1 });
  });

  it('forgets what moved once reset (a lost connection)', () => {
    const meter = new TransferMeter();
    meter.noteUploadStarted(1);
    meter.noteProgress(1, megabyte, 2 * megabyte, at);
    meter.reset();
    expect(meter.bytesPerSecond(at)).toBe(0);
  });
});

import type { Clock } from '../../lifecycle/index.ts';
import { DeliveryError } from '../errors.ts';
import { inProcessDelayMs } from '../resilience/index.ts';
import type { SharePointClient } from './sharepoint-client.ts';

/** What setting the columns of an uploaded file needs. */
export interface SetColumnsOptions {
  sharepoint: SharePointClient;
  clock: Clock;
  driveId: string;
  /** The uploaded drive item. */
  itemId: string;
  fields: Record<string, string>;
  /** The file's library path, for sentences. */
  label: string;
  /** Waits between tries: delivery.retry.inProcessDelaysMs. */
  delaysMs: readonly number[];
  random: () => number;
  signal: AbortSignal;
}

/**
 * Sets the columns of a file just uploaded, waiting for SharePoint to finish with it.
 *
 * Right after an upload SharePoint may still be processing the file and answers the fields PATCH
 * with 409 `resourceModified`: not a name conflict, and over by itself. Each such answer (and a
 * 412 from an eTag that moved meanwhile) is followed by a wait from delivery's in-process
 * backoff, a fresh read of the list item's eTag, and the PATCH again with that eTag as If-Match
 * (Graph, Update listItem). The file itself is never sent again for this. When the tries are
 * spent the transient error goes to the caller: the item waits as `retrying`, and its next
 * attempt finds the identical file in place (exactly-once in effect) and sets only the columns.
 *
 * @throws DeliveryError: `graph.item-busy` or `graph.item-changed` once the tries are spent, or
 *   whatever else the PATCH or the read failed with.
 */
export async function setColumnsAfterUpload(options: SetColumnsOptions): Promise<void> {
  const { sharepoint, driveId, itemId, fields, label, signal } = options;
  let ifMatch: string | undefined;
  for (let retry = 1; ; retry += 1) {
    try {
      await sharepoint.setFields(driveId, itemId, fields, label, signal, ifMatch);
      return;
    } catch (error) {
      if (!isItemBusy(error) || retry > options.delaysMs.length) throw error;
    }
    await options.clock.sleep(inProcessDelayMs(options.delaysMs, retry, options.random), signal);
    ifMatch = (await sharepoint.getListItemETag(driveId, itemId, label, signal)) ?? undefined;
  }
}

function isItemBusy(error: unknown): boolean {
  return (
    error instanceof DeliveryError &&
    (error.code === 'graph.item-busy' || error.code === 'graph.item-changed')
  );
}

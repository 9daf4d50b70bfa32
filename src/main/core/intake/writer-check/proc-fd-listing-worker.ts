import { parentPort } from 'node:worker_threads';
import { listOpenFiles } from './proc-fd-listing.ts';

/** A request for one listing, and its answer: the listing's entries, in one message. */
export interface ListingRequest {
  procRoot: string;
}
export type ListingAnswer = [name: string, links: string[]][];

// The listing's ~1,000 readlink calls run here, synchronously, so the agent's event loop
// receives one message per listing instead of one callback per fd.
parentPort?.on('message', (request: ListingRequest) => {
  const answer: ListingAnswer = [...listOpenFiles(request.procRoot)];
  parentPort?.postMessage(answer);
});

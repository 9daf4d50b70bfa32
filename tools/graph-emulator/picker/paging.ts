// Server-driven paging of collections: `$top` sets the page size and `@odata.nextLink` carries an
// opaque `$skiptoken` to the next page; a client follows the link as it is (paging.md: "treat the
// entire URL as an opaque string").

import { GraphError, sendJson } from '../http-util.ts';
import type { RequestContext } from '../http-util.ts';

/** Largest `$top` the emulator accepts. */
const MAX_PAGE_SIZE = 999;

function readSkipToken(token: string | null): number {
  if (token === null) return 0;
  const match = /^Paged=TRUE&p_Index=(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw new GraphError(400, 'invalidRequest', 'Invalid $skiptoken.');
  return Number(match[1]);
}

/** Send one page of `items` (already rendered), with `@odata.nextLink` when more follow. */
export function sendPage(
  context: RequestContext,
  items: readonly Record<string, unknown>[],
  defaultPageSize: number,
): void {
  const requestedTop = context.query.get('$top');
  const top = requestedTop === null ? defaultPageSize : Number(requestedTop);
  if (!Number.isInteger(top) || top < 1) {
    throw new GraphError(400, 'invalidRequest', `Invalid $top value '${requestedTop ?? ''}'.`);
  }
  const size = Math.min(top, MAX_PAGE_SIZE);
  const skip = readSkipToken(context.query.get('$skiptoken'));
  const body: Record<string, unknown> = { value: items.slice(skip, skip + size) };
  if (skip + size < items.length) {
    const next = new URL(`${context.origin}${context.rawPath}`);
    for (const [key, value] of context.query)
      if (key !== '$skiptoken') next.searchParams.set(key, value);
    next.searchParams.set(
      '$skiptoken',
      Buffer.from(`Paged=TRUE&p_Index=${skip + size}`).toString('base64url'),
    );
    body['@odata.nextLink'] = next.toString();
  }
  sendJson(context, 200, body);
}

// SharePoint's resource units: what each Graph request costs an app, and the throttling answers
// that follow from a per-minute budget of them.
// Source: https://learn.microsoft.com/sharepoint/dev/general-development/how-to-avoid-getting-throttled-or-blocked-in-sharepoint-online
// ("Resource units" table; "Throttled requests count towards usage limits"; "RateLimit headers").

import type { ServerResponse } from 'node:http';
import { GraphError } from './http-util.ts';
import type { ResourceBudget } from './throttle.ts';

/**
 * Share of the per-minute budget from which SharePoint adds RateLimit headers (80 %). SharePoint
 * sends them to apps with application permissions only; every emulator token is app-only.
 */
export const RATE_LIMIT_HEADERS_FROM = 0.8;

/** Collections: a GET of one is a multi-item query. */
const COLLECTION_SEGMENT =
  /\/(children|drives|lists|columns|items|sites|versions|thumbnails|followedSites|subscriptions|activities)$/;

/**
 * The resource units SharePoint charges for one Graph request, from the documented table:
 * 1 for a single-item query (get item), a delta with a token, or a file download; 2 for a
 * multi-item query (list children; a delta without a token) and for create, update, delete and
 * upload; 5 for any permission operation, `$expand=permissions` included.
 *
 * `rawPath` is the request path without its query (e.g. `/v1.0/drives/{id}/root/children`).
 */
export function sharePointResourceUnits(
  method: string,
  rawPath: string,
  query: URLSearchParams,
): number {
  const expand = query.get('$expand') ?? query.get('expand') ?? '';
  if (/\/permissions(\/|$)/.test(rawPath) || /(^|,)\s*permissions\b/.test(expand)) return 5;
  if (method !== 'GET' && method !== 'HEAD') return 2;
  const delta = /\/(?:microsoft\.graph\.)?delta(\(([^)]*)\))?$/.exec(rawPath);
  if (delta) return query.has('token') || /token=/.test(delta[2] ?? '') ? 1 : 2;
  if (rawPath.endsWith('/content')) return 1;
  return COLLECTION_SEGMENT.test(rawPath) ? 2 : 1;
}

/**
 * Charge `units` against the app's budget as SharePoint does. A request over the budget is
 * charged too ("throttled requests count towards usage limits") and refused with 429,
 * Retry-After and the RateLimit headers; an accepted one gets the RateLimit headers once the
 * window holds 80 % of the budget or more. RateLimit-Reset is the whole seconds until the oldest
 * charge in the rolling minute ages out (when Remaining next grows).
 */
export function chargeSharePointUnits(
  budget: ResourceBudget,
  units: number,
  response: ServerResponse,
  now = Date.now(),
): void {
  const decision = budget.tryConsume(units, now);
  if (!decision.allowed) {
    budget.charge(units, now);
    const retryAfter = String(budget.secondsUntilFits(units, now));
    throw new GraphError(429, 'activityLimitReached', 'The request has been throttled', {
      innerCode: 'throttledRequest',
      headers: {
        'retry-after': retryAfter,
        'ratelimit-limit': String(budget.unitsPerMinute),
        'ratelimit-remaining': '0',
        'ratelimit-reset': retryAfter,
      },
    });
  }
  const used = budget.used(now);
  if (used < budget.unitsPerMinute * RATE_LIMIT_HEADERS_FROM) return;
  response.setHeader('ratelimit-limit', String(budget.unitsPerMinute));
  response.setHeader('ratelimit-remaining', String(Math.max(0, budget.unitsPerMinute - used)));
  response.setHeader('ratelimit-reset', String(budget.secondsUntilNextRelease(now)));
}

// The HTTP control API under /_emulator/, for harnesses that run the emulator in another process:
// fault rules, the request log and reset. Every call needs the x-emulator-control-token header.

import { timingSafeEqual } from 'node:crypto';
import type { FaultController } from './faults.ts';
import { faultRuleFromJson, faultStateToJson } from './faults.ts';
import { GraphError, readJsonObject, sendEmpty, sendJson } from './http-util.ts';
import type { RequestContext } from './http-util.ts';
import type { RequestLog } from './request-log.ts';
import type { EntraControl } from './entra/entra-control.ts';

/** Path prefix of the control API. */
export const CONTROL_PATH_PREFIX = '/_emulator/';
/** Header that carries the control token. */
export const CONTROL_TOKEN_HEADER = 'x-emulator-control-token';

/** What the control API acts on. */
export interface ControlTargets {
  readonly controlToken: string;
  readonly faults: FaultController;
  readonly log: RequestLog;
  /** Clear faults, the log and the throttle budget. */
  readonly reset: () => void;
  readonly info: Readonly<Record<string, unknown>>;
  /** Users, sessions, tokens and site access (entra/entra-control.ts). */
  readonly entra?: EntraControl;
  /** Further routes (after `/_emulator/`); resolves false when `route` is not one of them. */
  readonly more?: (context: RequestContext, route: string) => Promise<boolean>;
}

function isTokenValid(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Serve one /_emulator/ request. */
export async function handleControlRequest(
  context: RequestContext,
  targets: ControlTargets,
): Promise<void> {
  if (!isTokenValid(context.request.headers[CONTROL_TOKEN_HEADER], targets.controlToken)) {
    throw new GraphError(
      401,
      'unauthenticated',
      `The ${CONTROL_TOKEN_HEADER} header is missing or wrong.`,
    );
  }
  const route = context.rawPath.slice(CONTROL_PATH_PREFIX.length);
  const { method } = context;
  if (route === 'faults' && method === 'GET') {
    return sendJson(context, 200, { value: targets.faults.list().map(faultStateToJson) });
  }
  if (route === 'faults' && method === 'POST') {
    const json = await readJsonObject(context.body);
    let id: string;
    try {
      id = targets.faults.add(faultRuleFromJson(json));
    } catch (error) {
      throw new GraphError(
        400,
        'invalidRequest',
        `Invalid fault rule: ${(error as Error).message}`,
      );
    }
    return sendJson(context, 201, { id });
  }
  if (route === 'faults' && method === 'DELETE') {
    targets.faults.clear();
    return sendEmpty(context, 204);
  }
  const fault = /^faults\/([^/]+)$/.exec(route);
  if (fault && method === 'DELETE') {
    if (!targets.faults.remove(decodeURIComponent(fault[1] ?? ''))) {
      throw new GraphError(404, 'itemNotFound', 'No fault rule with that id.');
    }
    return sendEmpty(context, 204);
  }
  if (route === 'requests' && method === 'GET') {
    const since = Number(context.query.get('since') ?? 0) || 0;
    return sendJson(context, 200, {
      value: targets.log.records.filter((record) => record.sequence > since),
    });
  }
  if (route === 'requests' && method === 'DELETE') {
    targets.log.clear();
    return sendEmpty(context, 204);
  }
  if (route === 'reset' && method === 'POST') {
    targets.reset();
    return sendEmpty(context, 204);
  }
  if (route === 'info' && method === 'GET') return sendJson(context, 200, targets.info);
  if (await targets.entra?.handleControl(context, route)) return;
  if (await targets.more?.(context, route)) return;
  throw new GraphError(404, 'itemNotFound', `No control endpoint ${method} ${context.rawPath}.`);
}

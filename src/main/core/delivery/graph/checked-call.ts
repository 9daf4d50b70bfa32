import type { Clock } from '../../lifecycle/index.ts';
import type { FailureContext } from '../errors.ts';
import type { DeliveryPolicies, TimeoutKind } from '../resilience/index.ts';
import { checkResponse } from './check-response.ts';
import { takeTransportFailure, type GraphCall, type GraphClient } from './graph-client.ts';
import type { HttpResponse } from './http-transport.ts';

/** What a checked call needs: the Graph client, the shared policy stack and the clock. */
export interface CheckedCallParts {
  graph: GraphClient;
  policies: DeliveryPolicies;
  clock: Clock;
}

/**
 * One Graph call through the shared policies (so uploads and downloads meet the same Retry-After
 * gate and breaker); statuses in `accepted` are returned, any other failure is thrown classified.
 */
export function sendChecked(
  parts: CheckedCallParts,
  call: Omit<GraphCall, 'action'>,
  context: FailureContext,
  options: { timeout: TimeoutKind; accepted?: readonly number[]; isIdempotent?: boolean },
): Promise<HttpResponse> {
  const { timeout, accepted = [], isIdempotent = true } = options;
  return parts.policies.execute(
    async (signal) => {
      let response: HttpResponse;
      try {
        response = await parts.graph.send({ ...call, signal, action: context.action });
      } catch (error) {
        throw takeTransportFailure(signal) ?? error;
      }
      return checkResponse(response, context, accepted, parts.clock.now());
    },
    { signal: call.signal, timeout, action: context.action, isIdempotent },
  );
}

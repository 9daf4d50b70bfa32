import { InteractionRequiredAuthError } from '@azure/msal-node';
import { resolveCloudEndpoints, type Config } from '../../../shared/config-schema.ts';
import type { Clock } from '../lifecycle/index.ts';
import type { Logger, SecretRedactor } from '../logging/index.ts';
import type { SecretStore } from '../platform.ts';
import type { Store } from '../store/index.ts';
import type { ConnectionTestParts } from './connection-test.ts';
import { GraphClient } from './graph/graph-client.ts';
import { HttpTransport } from './graph/http-transport.ts';
import {
  createDeliveryPolicies,
  type BreakerChange,
  type DeliveryPolicies,
} from './resilience/policies.ts';
import { SharePointClient } from './graph/sharepoint-client.ts';
import { TargetResolver } from './target-resolver.ts';
import { TokenProvider } from './graph/token-provider.ts';
import type { TokenSource } from './graph/token-source.ts';
import { DelegatedTokenProvider, type DelegatedTokens } from './graph/delegated-token-provider.ts';

/** What delivery talks to SharePoint with: one transport, one policy stack, one token source. */
export type DeliveryParts = ConnectionTestParts & {
  transport: HttpTransport;
  policies: DeliveryPolicies;
  graph: GraphClient;
};

/** What createDeliveryParts needs. */
export interface DeliveryPartsOptions {
  config: Config;
  store: Store;
  logger: Logger;
  clock: Clock;
  secretStore: SecretStore;
  redactor: SecretRedactor;
  random?: () => number;
  /** The signed-in person's tokens (auth.method "delegated"); absent: nobody can sign in. */
  delegatedTokens?: DelegatedTokens | undefined;
  onBreakerChange: (change: BreakerChange) => void;
  /** SharePoint's Retry-After holds requests back until later than before. */
  onThrottle?: () => void;
}

/** What Graph calls are made with: one transport, one policy stack, one token source. */
export type GraphParts = Omit<DeliveryParts, 'sharepoint' | 'targets'>;

/**
 * Builds the keep-alive transport, the policies, the token provider (msal-node) and the Graph
 * client of a configuration; the caller closes the transport. Delivery builds on them, and so
 * does the site picker before a site is chosen.
 */
export function createGraphParts(options: DeliveryPartsOptions): GraphParts {
  const { config, clock, logger, secretStore, redactor } = options;
  const transport = HttpTransport.fromConfig(config);
  const policies = createDeliveryPolicies({
    delivery: config.delivery,
    clock,
    ...(options.random ? { random: options.random } : {}),
    onBreakerChange: options.onBreakerChange,
    ...(options.onThrottle ? { onThrottle: options.onThrottle } : {}),
  });
  const tokens: TokenSource =
    config.auth.method === 'delegated'
      ? new DelegatedTokenProvider({
          tokens: options.delegatedTokens ?? nobodySignedIn,
          config,
          redactor,
        })
      : new TokenProvider({ config, secretStore, redactor, transport, logger });
  const graph = new GraphClient({
    graphBaseUrl: resolveCloudEndpoints(config.sharepoint).graphBaseUrl,
    tokens,
    transport,
  });
  return { tokens, transport, policies, graph };
}

/**
 * Builds delivery's connection to SharePoint for a configured tenant: the Graph parts, the
 * SharePoint client and the resolver of sites, libraries and folders. The caller closes the
 * transport.
 */
export function createDeliveryParts(options: DeliveryPartsOptions): DeliveryParts {
  const { config, store, clock } = options;
  const { tokens, transport, policies, graph } = createGraphParts(options);
  const sharepoint = new SharePointClient({ graph, transport, policies, clock });
  const targets = new TargetResolver({
    siteUrl: config.sharepoint.siteUrl ?? '',
    store,
    sharepoint,
  });
  return { tokens, sharepoint, targets, transport, policies, graph };
}

/** Delegated tokens of an agent without an account capability: nobody is ever signed in. */
const nobodySignedIn: DelegatedTokens = {
  hasUsableAccount: () => Promise.resolve(false),
  describeAccount: () => Promise.resolve('Nobody is signed in'),
  current: () => Promise.resolve(null),
  acquireToken: () =>
    Promise.reject(new InteractionRequiredAuthError('no_account', 'Nobody is signed in')),
};

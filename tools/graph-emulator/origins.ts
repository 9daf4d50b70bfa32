// The origins the emulator hands out in URLs: Graph, the authority (login) and SharePoint (where
// upload and download URLs live, as real ones are on {tenant}.sharepoint.com rather than on
// graph.microsoft.com). One listener serves all three; the names only have to reach it.

import type { EmulatorHostNames } from './options.ts';

/** `https://host[:port]` for each of the emulator's roles. */
export interface EmulatorOrigins {
  readonly graph: string;
  readonly login: string;
  readonly sharePoint: string;
}

/** Origins for host names on `port` (the default port 443 is left out, as URL does). */
export function buildOrigins(
  hostNames: Required<EmulatorHostNames>,
  port: number,
): EmulatorOrigins {
  const origin = (host: string): string =>
    new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`).origin;
  return {
    graph: origin(hostNames.graph),
    login: origin(hostNames.login),
    sharePoint: origin(hostNames.sharePoint),
  };
}

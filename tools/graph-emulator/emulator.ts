// Composition of the emulator: certificates, sites and libraries on disk, the identity and
// Graph sides, upload sessions, fault rules, the request log, and the HTTPS server that carries
// them; plus an idempotent close().

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import path from 'node:path';
import { getEmulatorCertificates } from './certificates.ts';
import { createRequestHandler } from './dispatch.ts';
import { DriveStore } from './drive-store.ts';
import { DownloadUrls } from './downloads.ts';
import { DeltaFeed } from './delta/delta-feed.ts';
import { DeltaTokens } from './delta/delta-tokens.ts';
import { RemoteFiles } from './head-office/remote-files.ts';
import { handleRemoteControl } from './head-office/remote-control.ts';
import { DropFolder } from './head-office/drop-folder.ts';
import type { HeadOfficeFolder } from './head-office/drop-folder.ts';
import type { SiteInfo } from './drive-store.ts';
import { FaultController } from './faults.ts';
import { MissingHashes, attachMissingHashes } from './missing-hashes.ts';
import { GraphApi } from './graph-api.ts';
import type { SiteEntry } from './graph-api.ts';
import { driveIdFrom, guidFrom, randomToken } from './ids.ts';
import { AccessTokenStore } from './access-tokens.ts';
import { IdentityService } from './identity.ts';
import { EntraControl } from './entra/entra-control.ts';
import { SignInService } from './entra/sign-in-service.ts';
import { UserDirectory } from './entra/users.ts';
import { PickerApi } from './picker/picker-api.ts';
import { resolveEmulatorOptions } from './options.ts';
import type { EmulatorSiteOptions, GraphEmulatorOptions } from './options.ts';
import { RequestLog } from './request-log.ts';
import { buildOrigins } from './origins.ts';
import type { EmulatorOrigins } from './origins.ts';
import type { RequestRecord } from './request-log.ts';
import { ResourceBudget } from './throttle.ts';
import { UploadSessionStore } from './upload-sessions.ts';

/** A running emulator. */
export interface GraphEmulator {
  /** Graph base URL, e.g. https://127.0.0.1:4321/v1.0 (no trailing slash). */
  readonly graphBaseUrl: string;
  /** Authority host for msal-node, e.g. https://127.0.0.1:4321 (append /{tenant-id}). */
  readonly authorityHost: string;
  readonly port: number;
  /** Absolute path of the folder holding `<library>/<path>` files. */
  readonly rootDir: string;
  /** PEM of the CA that signed the server certificate: trust this and nothing else changes. */
  readonly caCertificatePem: string;
  /** Where the CA PEM was written. */
  readonly caFile: string;
  /** Token for the /_emulator/ control API (header x-emulator-control-token). */
  readonly controlToken: string;
  /** Fault rules, applied to every request except the control API. */
  readonly faults: FaultController;
  /** Files whose driveItems leave out their quickXorHash (none unless a rule is added). */
  readonly missingHashes: MissingHashes;
  /**
   * Head office's side: add, replace or delete files by path as a person in SharePoint would,
   * and make delta tokens answer 410 (also over the control API; see docs/graph-emulator.md).
   */
  readonly remote: RemoteFiles;
  /** Head office's drop folder, when the `headOffice` option names one. */
  readonly headOffice: HeadOfficeFolder | undefined;
  /** Every request answered so far (live array, oldest first). */
  readonly requestLog: readonly RequestRecord[];
  /** Users, sessions, tokens and site access of the emulated directory (delegated sign-in). */
  readonly entra: EntraControl;
  /** Clear fault rules, missing-hash rules, the request log and the throttle budget. */
  reset(): void;
  /** Stop listening, destroy open connections and drop upload sessions. Idempotent. */
  close(): Promise<void>;
}

/** How often expired upload sessions and tokens are swept. */
const SWEEP_INTERVAL_MS = 30_000;

function buildSite(
  site: EmulatorSiteOptions,
  rootDir: string,
  createdAt: number,
): { info: SiteInfo; drives: Promise<DriveStore[]> } {
  const sitePath = site.path.replace(/\/+$/, '');
  const siteGuid = guidFrom(`site:${site.hostname.toLowerCase()}${sitePath.toLowerCase()}`);
  const webGuid = guidFrom(`web:${site.hostname.toLowerCase()}${sitePath.toLowerCase()}`);
  const name = sitePath.split('/').pop() ?? site.hostname;
  const info: SiteInfo = {
    id: `${site.hostname},${siteGuid},${webGuid}`,
    hostname: site.hostname,
    path: sitePath,
    name,
    displayName: site.displayName ?? name,
    webUrl: `https://${site.hostname}${sitePath}`,
    createdAt,
  };
  const drives = Promise.all(
    site.libraries.map((library) => {
      const listId = guidFrom(`list:${info.id}:${library.name.toLowerCase()}`);
      return DriveStore.open({
        id: driveIdFrom(siteGuid, webGuid, listId),
        name: library.name,
        listId,
        webUrl: `${info.webUrl}/${encodeURIComponent(library.name)}`,
        site: info,
        columns: library.columns ?? ['Title'],
        directory: path.join(rootDir, library.name),
        createdAt,
      });
    }),
  );
  return { info, drives };
}

/**
 * Start an emulator: HTTPS on 127.0.0.1, a fresh CA written to `caFile`, libraries served from
 * `rootDir` (files already there are indexed at start).
 */
export async function startGraphEmulator(options: GraphEmulatorOptions): Promise<GraphEmulator> {
  const resolved = resolveEmulatorOptions(options);
  const certificates = await getEmulatorCertificates();
  // The caller's certificate, when given, is what the server presents; the generated key still
  // signs access tokens (nothing outside the emulator checks them).
  const serverTls = resolved.tls
    ? {
        cert: resolved.tls.certificatePem,
        key: resolved.tls.privateKeyPem,
        caPem: resolved.tls.caCertificatePem ?? resolved.tls.certificatePem,
      }
    : {
        cert: certificates.serverCertificatePem,
        key: certificates.serverPrivateKeyPem,
        caPem: certificates.caCertificatePem,
      };
  await mkdir(path.dirname(resolved.caFile), { recursive: true });
  await writeFile(resolved.caFile, serverTls.caPem);
  const tempDirectory = path.join(resolved.rootDir, '.graph-emulator-tmp');
  await rm(tempDirectory, { recursive: true, force: true });
  await mkdir(tempDirectory, { recursive: true });

  const createdAt = Date.now();
  const sites: SiteEntry[] = [];
  for (const site of resolved.sites) {
    const built = buildSite(site, resolved.rootDir, createdAt);
    sites.push({ info: built.info, drives: await built.drives });
  }

  const tokens = new AccessTokenStore(certificates.serverPrivateKeyPem);
  const users = new UserDirectory(resolved.users, resolved.clients[0]?.tenantId ?? '');
  const signIn = new SignInService({
    clients: resolved.clients,
    users,
    lifetimes: resolved.signIn,
    tokens,
    accessTokenLifetimeSeconds: resolved.tokenLifetimeSeconds,
    signingKeyPem: certificates.serverPrivateKeyPem,
  });
  const entra = new EntraControl({ users, state: signIn.state, tokens });
  const uploads = new UploadSessionStore({
    tempDirectory,
    lifetimeSeconds: resolved.uploadSessionLifetimeSeconds,
    modifyOfficeDocuments: resolved.modifyOfficeDocuments,
  });
  const downloads = new DownloadUrls({
    lifetimeSeconds: resolved.downloadUrlLifetimeSeconds,
    drives: () => sites.flatMap((site) => site.drives),
  });
  const faults = new FaultController();
  const missingHashes = new MissingHashes();
  for (const drive of sites.flatMap((site) => site.drives)) {
    attachMissingHashes(drive, missingHashes);
  }
  const log = new RequestLog();
  const throttle = resolved.throttle && {
    options: resolved.throttle,
    budget: new ResourceBudget(resolved.throttle.resourceUnitsPerMinute),
  };
  const reset = (): void => {
    faults.clear();
    missingHashes.clear();
    log.clear();
    throttle?.budget.reset();
  };
  const controlToken = resolved.controlToken ?? randomToken(24);
  const remote = new RemoteFiles({
    drives: () => sites.flatMap((site) => site.drives),
    tempDirectory,
  });
  // Before listening: a folder that cannot be read fails the start with nothing left open.
  const headOffice =
    resolved.headOffice &&
    (await DropFolder.start(
      resolved.headOffice,
      remote,
      path.join(resolved.rootDir, '.graph-emulator-state'),
    ));

  let origins: EmulatorOrigins = { graph: '', login: '', sharePoint: '' };
  const info: Record<string, unknown> = {};

  const tlsOptions = { key: serverTls.key, cert: serverTls.cert };
  const handler = createRequestHandler({
    origins: () => origins,
    identity: new IdentityService({
      clients: resolved.clients,
      tokens,
      tokenLifetimeSeconds: resolved.tokenLifetimeSeconds,
      signIn,
    }),
    tokens,
    graph: new GraphApi({
      sites,
      uploads,
      downloads,
      delta: new DeltaFeed({
        tokens: await DeltaTokens.open(path.join(resolved.rootDir, '.graph-emulator-state')),
        downloads,
      }),
      tempDirectory,
      modifyOfficeDocuments: resolved.modifyOfficeDocuments,
      picker: new PickerApi({ sites, users }),
    }),
    uploads,
    downloads,
    faults,
    log,
    control: {
      controlToken,
      faults,
      log,
      reset,
      info,
      entra,
      more: (context, route) => handleRemoteControl(context, route, remote),
    },
    latencyMs: resolved.latencyMs,
    throttle,
  });
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const listen = async (port: number, host: string): Promise<number> => {
    const server = createServer(tlsOptions, handler);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    servers.push(server);
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : port;
  };
  const port = await listen(resolved.port, '127.0.0.1');
  // Upload URLs use the name "localhost", which may resolve to ::1 first: listen there too when
  // the machine has IPv6 loopback (clients fall back to 127.0.0.1 otherwise).
  await listen(port, '::1').catch(() => undefined);
  origins = buildOrigins(resolved.hostNames, port);
  Object.assign(info, {
    graphBaseUrl: `${origins.graph}/v1.0`,
    authorityHost: origins.login,
    port,
    rootDir: resolved.rootDir,
    caFile: resolved.caFile,
  });

  const sweeper = setInterval(() => {
    const now = Date.now();
    tokens.prune(now);
    signIn.state.prune(now);
    void uploads.sweep(now);
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  let closing: Promise<void> | undefined;
  return {
    graphBaseUrl: `${origins.graph}/v1.0`,
    authorityHost: origins.login,
    port,
    rootDir: resolved.rootDir,
    caCertificatePem: serverTls.caPem,
    caFile: resolved.caFile,
    controlToken,
    faults,
    missingHashes,
    entra,
    remote,
    headOffice,
    requestLog: log.records,
    reset,
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        const closed = servers.map(
          (server) => new Promise<void>((resolve) => server.close(() => resolve())),
        );
        for (const socket of sockets) socket.destroy();
        await Promise.all(closed);
        await headOffice?.close();
        await uploads.discardAll();
        // Each library's journal of ids and versions gets its last lines (item-journal.ts).
        await Promise.all(sites.flatMap((site) => site.drives.map((drive) => drive.close())));
        await rm(tempDirectory, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

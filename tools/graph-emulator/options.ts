// The emulator's configuration: what a caller may pass to startGraphEmulator, the defaults, and
// the demo credentials that `sitedrop demo` configures on both sides.

import path from 'node:path';
import type { HeadOfficeOptions } from './head-office/drop-folder.ts';
import { resolveSignInOptions } from './entra/sign-in-state.ts';
import type { EmulatorSignInOptions, SignInLifetimes } from './entra/sign-in-state.ts';
import { defaultUsers } from './entra/users.ts';
import type { EmulatorUserOptions } from './entra/users.ts';

/** A SharePoint document library (a drive, backed by a list) inside an emulated site. */
export interface EmulatorLibraryOptions {
  /** Display name, also the folder name under rootDir and the drive's `name`. Unique across sites. */
  name: string;
  /** Writable text columns of the library's list (internal names). Default: ['Title']. */
  columns?: string[];
}

/** An emulated SharePoint site, addressed as `GET /sites/{hostname}:{path}`. */
export interface EmulatorSiteOptions {
  /** For example 'contoso.sharepoint.com'. Matched case-insensitively. */
  hostname: string;
  /** Server-relative path, for example '/sites/SiteOffice'. Matched case-insensitively. */
  path: string;
  /** The site's displayName; default: the last path segment. */
  displayName?: string;
  libraries: EmulatorLibraryOptions[];
}

/** An app registration that may ask the token endpoint for Graph tokens. */
export interface EmulatorClientOptions {
  clientId: string;
  /** The tenant (GUID) the app lives in; the only tenant it can get tokens from. */
  tenantId: string;
  /** Client secret, if the app authenticates with a secret. */
  secret?: string;
  /** PEM certificate(s) registered for the app, if it authenticates with a signed assertion. */
  certificatePem?: string;
  /** Whether the app holds write permission (Sites.ReadWrite.All). Default true. */
  canWrite?: boolean;
  /**
   * 'AzureADMultipleOrgs' lets users sign in through `/organizations` and `/common`;
   * 'AzureADMyOrg' (default, as for a new registration) only through the tenant's own authority.
   */
  signInAudience?: 'AzureADMyOrg' | 'AzureADMultipleOrgs';
  /** Redirect URIs of the "Mobile and desktop applications" platform, e.g. 'http://localhost' (any port). */
  publicClientRedirectUris?: string[];
  /** "Allow public client flows" (device code). Default false. */
  isPublicClientFlowAllowed?: boolean;
  /** An admin consented for the tenant (default true); false: each user consents once. */
  hasAdminConsent?: boolean;
  /** Configured delegated Graph permissions (what `/.default` asks for). */
  delegatedPermissions?: string[];
}

/** SharePoint-style throttling: a budget of resource units per rolling minute. */
export interface EmulatorThrottleOptions {
  /** Units available in any 60-second window (SharePoint: 1,200 and up, by tenant size). */
  resourceUnitsPerMinute: number;
  /**
   * 'sharepoint': every Graph request costs what SharePoint's resource-unit table says (1 get or
   * download or tokened delta, 2 list or write, 5 permissions), throttled requests count too,
   * and RateLimit-* headers come from 80 % of the budget (see resource-units.ts). Otherwise the
   * fixed costs below apply. Required unless costs is 'sharepoint'.
   */
  costs?: 'sharepoint';
  /** Fixed costs: units charged for each upload operation (simple PUT content, createUploadSession). */
  costPerUpload?: number;
  /** Fixed costs: units charged for every other Graph API request. Default 0. */
  costPerRequest?: number;
}

/**
 * Host names the emulator puts in the URLs it hands out. Real clients reach Graph, Entra ID and
 * SharePoint on three hosts (graph.microsoft.com, login.microsoftonline.com,
 * {tenant}.sharepoint.com, where upload and download URLs live); a scratch environment that maps
 * those names to loopback (e.g. in /etc/hosts) can run unmodified clients against the emulator.
 * Every name must resolve to the emulator and be covered by its certificate.
 */
export interface EmulatorHostNames {
  /** Host of the Graph base URL and its @odata links. Default '127.0.0.1'. */
  graph?: string;
  /** Host of the authority (token endpoint, OpenID metadata). Default '127.0.0.1'. */
  login?: string;
  /** Host of upload and download URLs. Default 'localhost' (another host than Graph's). */
  sharePoint?: string;
}

/** A server certificate chosen by the caller instead of the generated one. */
export interface EmulatorTlsOptions {
  /** PEM server certificate (chain) covering every host name in `hostNames`. */
  certificatePem: string;
  /** PEM private key of that certificate. */
  privateKeyPem: string;
  /** PEM of the CA clients should trust, written to `caFile`. Default: `certificatePem`. */
  caCertificatePem?: string;
}

/** Options of startGraphEmulator. Only rootDir is required. */
export interface GraphEmulatorOptions {
  /** Where library contents live as plain files: `<rootDir>/<library>/<folder path>/<file>`. */
  rootDir: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where to write the CA certificate PEM. Default: `<parent of rootDir>/graph-emulator-ca.pem`. */
  caFile?: string;
  /** Default: one site contoso.sharepoint.com/sites/SiteOffice with library "Documents". */
  sites?: EmulatorSiteOptions[];
  /** Default: the demo client (DEMO_CLIENT_ID / DEMO_CLIENT_SECRET). */
  clients?: EmulatorClientOptions[];
  /** Lifetime of issued access tokens in seconds. Default 3599, as Entra ID issues. */
  tokenLifetimeSeconds?: number;
  /** Lifetime of an upload session, extended by each accepted fragment. Default 3600 s. */
  uploadSessionLifetimeSeconds?: number;
  /**
   * Server response time, in milliseconds, for every Graph and upload-URL request: a response
   * leaves no sooner than this after its request arrived, and the request is handled meanwhile
   * (the emulator's own work is inside it, not added). Default 0.
   */
  latencyMs?: number;
  /** Imitate SharePoint rewriting .docx/.xlsx/.pptx after upload (stored bytes differ). */
  modifyOfficeDocuments?: boolean;
  /** Enable 429 throttling with a resource-unit budget. Default: no throttling. */
  throttle?: EmulatorThrottleOptions;
  /** Fixed control token for /_emulator/* (default: random per start). */
  controlToken?: string;
  /**
   * Lifetime of a pre-authenticated download URL. Default 3600 s: driveitem.md says the
   * `@microsoft.graph.downloadUrl` is "only available for a short period of time (1 hour)".
   */
  downloadUrlLifetimeSeconds?: number;
  /** Host names used in the URLs handed out. Default: 127.0.0.1 for Graph and login, localhost for SharePoint. */
  hostNames?: EmulatorHostNames;
  /** Serve this certificate instead of the generated one (which covers 127.0.0.1, ::1, localhost). */
  tls?: EmulatorTlsOptions;
  /**
   * Head office's drop folder: a folder on disk whose files appear in a library folder (default
   * `Responses/`) as head office's answers (head-office/drop-folder.ts). Default: none.
   */
  headOffice?: HeadOfficeOptions;
  /** Users who can sign in (delegated). Default: the demo user and a user without site access. */
  users?: EmulatorUserOptions[];
  /** Lifetimes of authorization codes, device codes and refresh tokens. */
  signIn?: EmulatorSignInOptions;
}

/** Tenant of the demo app registration. */
export const DEMO_TENANT_ID = '5d1c0a6e-7f3b-4c2a-9e51-0d3e5a7b9c11';
/** Client id of the demo app registration that `sitedrop demo` configures. */
export const DEMO_CLIENT_ID = '3f6b2c1d-8e4a-4b7f-a2c9-5e1d7f3a9b24';
/** Client secret of the demo app registration. Not a secret: the emulator only runs locally. */
export const DEMO_CLIENT_SECRET = 'sitedrop-demo-secret';
/** Hostname of the default site. */
export const DEFAULT_SITE_HOSTNAME = 'contoso.sharepoint.com';
/** Server-relative path of the default site. */
export const DEFAULT_SITE_PATH = '/sites/SiteOffice';
/** The default site's document library (also its folder under rootDir). */
export const DEFAULT_LIBRARY_NAME = 'Documents';

/**
 * The options demo mode uses: the default site and library and the demo client.
 *
 * Files land under `rootDir/<library>/…`; the CA certificate is written next to rootDir.
 */
export function buildDefaultEmulatorOptions(rootDir: string): GraphEmulatorOptions {
  return {
    rootDir,
    sites: [
      {
        hostname: DEFAULT_SITE_HOSTNAME,
        path: DEFAULT_SITE_PATH,
        displayName: 'Site Office',
        libraries: [{ name: DEFAULT_LIBRARY_NAME, columns: ['Title', 'RequestId', 'DeviceId'] }],
      },
    ],
    clients: [
      {
        clientId: DEMO_CLIENT_ID,
        tenantId: DEMO_TENANT_ID,
        secret: DEMO_CLIENT_SECRET,
        signInAudience: 'AzureADMultipleOrgs',
        publicClientRedirectUris: ['http://localhost'],
        isPublicClientFlowAllowed: true,
      },
    ],
  };
}

/** Options with every default filled in and checked. */
export interface ResolvedEmulatorOptions {
  rootDir: string;
  port: number;
  caFile: string;
  sites: EmulatorSiteOptions[];
  clients: EmulatorClientOptions[];
  tokenLifetimeSeconds: number;
  uploadSessionLifetimeSeconds: number;
  latencyMs: number;
  modifyOfficeDocuments: boolean;
  throttle: EmulatorThrottleOptions | undefined;
  controlToken: string | undefined;
  downloadUrlLifetimeSeconds: number;
  hostNames: Required<EmulatorHostNames>;
  tls: EmulatorTlsOptions | undefined;
  headOffice: HeadOfficeOptions | undefined;
  users: EmulatorUserOptions[];
  signIn: SignInLifetimes;
}

/** Fill in defaults and reject configurations the emulator cannot serve, naming the field. */
export function resolveEmulatorOptions(options: GraphEmulatorOptions): ResolvedEmulatorOptions {
  const rootDir = path.resolve(options.rootDir);
  const defaults = buildDefaultEmulatorOptions(rootDir);
  const sites = options.sites ?? defaults.sites ?? [];
  const seen = new Set<string>();
  for (const site of sites) {
    if (!site.path.startsWith('/')) {
      throw new Error(`sites[].path must start with "/": got "${site.path}"`);
    }
    for (const library of site.libraries) {
      const key = library.name.toLowerCase();
      if (seen.has(key) || library.name.startsWith('.') || /[\\/:*?"<>|]/.test(library.name)) {
        throw new Error(
          `library name "${library.name}" must be unique across sites and a valid folder name`,
        );
      }
      seen.add(key);
    }
  }
  if (options.throttle && options.throttle.costs !== 'sharepoint') {
    if (options.throttle.costPerUpload === undefined) {
      throw new Error("throttle.costPerUpload is required unless throttle.costs is 'sharepoint'");
    }
  }
  return {
    rootDir,
    port: options.port ?? 0,
    caFile: path.resolve(
      options.caFile ?? path.join(path.dirname(rootDir), 'graph-emulator-ca.pem'),
    ),
    sites,
    clients: options.clients ?? defaults.clients ?? [],
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    uploadSessionLifetimeSeconds: options.uploadSessionLifetimeSeconds ?? 3600,
    latencyMs: options.latencyMs ?? 0,
    modifyOfficeDocuments: options.modifyOfficeDocuments ?? false,
    throttle: options.throttle,
    controlToken: options.controlToken,
    downloadUrlLifetimeSeconds: options.downloadUrlLifetimeSeconds ?? 3600,
    hostNames: {
      graph: options.hostNames?.graph ?? '127.0.0.1',
      login: options.hostNames?.login ?? '127.0.0.1',
      sharePoint: options.hostNames?.sharePoint ?? 'localhost',
    },
    tls: options.tls,
    headOffice: options.headOffice,
    users: options.users ?? defaultUsers(),
    signIn: resolveSignInOptions(options.signIn),
  };
}

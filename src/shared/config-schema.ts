/**
 * The one schema for everything the agent reads: watched folders, the SharePoint target, auth,
 * delivery policies, the feed port, logging and desktop behaviour.
 *
 * Layers (docs/configuration.md): built-in defaults < user config file < managed policy file.
 * Every object is strict: an unknown key is an error, not silently ignored. Secrets never live
 * here: the client secret and certificate key are held by the secret store.
 * Documented field by field in docs/configuration.md; keep the two together.
 */
import { z } from 'zod';

/** 320 KiB: Graph requires upload-session fragments to be multiples of this. */
export const uploadFragmentUnitBytes = 327_680;

/**
 * 60 MiB: each upload-session fragment "must be less than 60 MiB" (Graph, driveItem:
 * createUploadSession), so this size itself is refused.
 */
export const uploadFragmentLimitBytes = 60 * 1024 * 1024;

/**
 * 250 MB: the largest file a simple upload (one PUT …/content) takes ("This method only supports
 * files up to 250 MB in size", Graph, driveItem: Upload or replace contents). Read as decimal
 * megabytes, the smaller and so the safe reading.
 */
export const simpleUploadLimitBytes = 250_000_000;

const absolutePath = z
  .string()
  .min(1, 'must not be empty')
  .refine((value) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(value), {
    message: 'must be an absolute path (for example /srv/requests or C:\\Requests)',
  });

const folderId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'must be 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit',
  );

/** A path under the library: '/'-separated segments, no '..' and no leading slash. */
const libraryRelativePath = z
  .string()
  .refine((value) => !value.split('/').some((segment) => segment === '..' || segment === '.'), {
    message: "must not contain '.' or '..' segments",
  })
  .refine((value) => !value.startsWith('/') && !value.includes('\\'), {
    message: "must be relative to the library, '/'-separated, without a leading '/'",
  });

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });

const milliseconds = (min: number, max: number) =>
  z
    .number()
    .int('must be a whole number of milliseconds')
    .min(min, `must be at least ${min} ms`)
    .max(max, `must be at most ${max} ms`);

/**
 * Where a watched folder's responses come from and go to (docs/responses.md). Off unless
 * enabled: a new install's built-in folder enables it (src/main/core/config/defaults.ts), a
 * folder an existing config lists does not change by itself.
 */
export const FolderResponsesSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** The library head office answers in (default: the folder's target library). */
  library: z.string().min(1).optional(),
  /** The remote folder under the library (default `Responses/<the folder's target path>`). */
  remotePath: libraryRelativePath.optional(),
  /** The local folder responses land in (default ~/SiteDrop/Responses), created if missing. */
  localFolder: absolutePath.optional(),
  /** Bring the files already in the remote folder when the mapping starts, not only new ones. */
  alsoBringExisting: z.boolean().default(false),
  /**
   * A library column (its internal name, e.g. `RequestId`) whose value names the request a
   * response answers; read before the name and the JSON `request_id`.
   */
  requestIdColumn: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,254}$/, "must be a column's internal name, e.g. RequestId")
    .optional(),
});

/** What every responses mapping shares: how often to look, and what a person must approve. */
export const ResponsesConfigSchema = z.strictObject({
  /** How often each mapping asks SharePoint for changes (±10 % jitter; "Check now" at once). */
  pollIntervalMs: milliseconds(15_000, 3_600_000).default(60_000),
  /** A response larger than this waits for a person. */
  maxSizeBytes: z
    .number()
    .int()
    .min(1)
    .default(2 * 1024 * 1024 * 1024),
  /** Free space a download leaves on the responses folder's disk, at least. */
  minimumFreeBytes: z
    .number()
    .int()
    .min(0)
    .default(100 * 1024 * 1024),
});

/** One watched folder and its rules. */
export const FolderConfigSchema = z.strictObject({
  id: folderId,
  path: absolutePath,
  label: z.string().max(100).optional(),
  recursive: z.boolean().default(true),
  polling: z
    .strictObject({
      enabled: z.boolean().default(false),
      intervalMs: milliseconds(100, 600_000).default(2_000),
    })
    .prefault({}),
  stabilityWindowMs: milliseconds(0, 600_000).default(2_000),
  include: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
  requests: z
    .strictObject({
      enabled: z.boolean().default(false),
      patterns: z.array(z.string().min(1)).min(1).default(['*.request.json', '*.json']),
    })
    .prefault({}),
  target: z
    .strictObject({
      library: z.string().min(1).optional(),
      folderPath: libraryRelativePath.default(''),
      columns: z.record(z.string().min(1), z.string()).default({}),
    })
    .prefault({}),
  conflict: z.enum(['rename', 'replace', 'fail']).default('rename'),
  afterUpload: z
    .strictObject({
      action: z.enum(['keep', 'delete', 'archive']).default('keep'),
      archiveFolder: z.string().min(1).default('Sent'),
    })
    .prefault({}),
  duplicates: z.enum(['skip', 'upload']).default('skip'),
  invalidNames: z.enum(['rename', 'quarantine']).default('rename'),
  quarantineFolder: z.string().min(1).default('_quarantine'),
  responses: FolderResponsesSchema.prefault({}),
});

/** National clouds and their endpoints; `custom` takes authorityHost and graphBaseUrl as given. */
export const cloudEndpoints = {
  global: {
    authorityHost: 'https://login.microsoftonline.com',
    graphBaseUrl: 'https://graph.microsoft.com/v1.0',
  },
  usgov: {
    authorityHost: 'https://login.microsoftonline.us',
    graphBaseUrl: 'https://graph.microsoft.us/v1.0',
  },
  'usgov-dod': {
    authorityHost: 'https://login.microsoftonline.us',
    graphBaseUrl: 'https://dod-graph.microsoft.us/v1.0',
  },
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn/v1.0',
  },
} as const;

export const SharePointConfigSchema = z.strictObject({
  siteUrl: httpsUrl.optional(),
  library: z.string().min(1).default('Documents'),
  cloud: z.enum(['global', 'usgov', 'usgov-dod', 'china', 'custom']).default('global'),
  authorityHost: httpsUrl.optional(),
  graphBaseUrl: httpsUrl.optional(),
  /** Authority metadata JSON (OpenID configuration), so no discovery call is needed. */
  authorityMetadata: z.string().optional(),
  /** PEM file of extra CA certificates to trust (a TLS-inspecting proxy, the demo emulator). */
  extraCaFile: absolutePath.optional(),
});

/**
 * How SiteDrop signs in: `delegated` as the person who signed in (a public client, the system
 * browser or a device code), or app-only with a `certificate` or a `secret`.
 */
export const authMethods = ['delegated', 'certificate', 'secret'] as const;

/** One of authMethods. */
export type AuthMethod = (typeof authMethods)[number];

/**
 * The delegated scopes SiteDrop asks for: files in any library the person can reach, and
 * `Sites.ReadWrite.All` for the library columns it sets (Graph, Update listItem). Neither needs
 * admin consent by default. msal-node adds `openid profile offline_access` itself; the name and
 * username shown come from the ID token, so no `User.Read` (for `/me`) is asked for.
 */
export const delegatedScopes = [
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
  'offline_access',
] as const;

/** The authority path segment of a delegated sign-in without a tenant: any work account. */
export const delegatedDefaultTenant = 'organizations';

export const AuthConfigSchema = z
  .strictObject({
    tenantId: z
      .string()
      .regex(
        /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9.-]+\.[a-z]{2,})$/i,
        'must be a tenant id (GUID) or a verified domain such as contoso.onmicrosoft.com',
      )
      .optional(),
    clientId: z.string().min(1).optional(),
    method: z.enum(authMethods).optional(),
    certificate: z
      .strictObject({
        path: absolutePath.optional(),
        thumbprint: z
          .string()
          .regex(/^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$/, 'must be a SHA-1 or SHA-256 hex thumbprint')
          .optional(),
      })
      .prefault({}),
  })
  .transform((auth) => ({ ...auth, method: auth.method ?? defaultAuthMethod(auth.certificate) }));

/**
 * The sign-in method of a config that names none: `certificate` when a certificate is
 * configured (a config written when app-only with a certificate was the default keeps working
 * unchanged), else `delegated`, the default of a new install.
 */
function defaultAuthMethod(certificate: { path?: string; thumbprint?: string }): AuthMethod {
  return certificate.path || certificate.thumbprint ? 'certificate' : 'delegated';
}

export const DeliveryConfigSchema = z.strictObject({
  concurrency: z.number().int().min(1).max(32).default(4),
  simpleUploadMaxBytes: z
    .number()
    .int()
    .min(0)
    .max(
      simpleUploadLimitBytes,
      'must be at most 250,000,000 bytes (250 MB), the largest file Graph takes in one PUT: use 4194304 (4 MiB); larger files go through an upload session',
    )
    .default(4 * 1024 * 1024),
  chunkSizeBytes: z
    .number()
    .int()
    .min(uploadFragmentUnitBytes)
    .lt(
      uploadFragmentLimitBytes,
      'must be less than 60 MiB (62,914,560 bytes), the limit of one upload fragment in Graph, and a multiple of 320 KiB: use 10485760 (10 MiB)',
    )
    .multipleOf(
      uploadFragmentUnitBytes,
      'must be a multiple of 327680 bytes (320 KiB), as Graph requires: use 10485760 (10 MiB)',
    )
    .default(32 * uploadFragmentUnitBytes),
  requestTimeoutMs: milliseconds(1_000, 600_000).default(20_000),
  /**
   * How long delivery gathers outcomes and claims into one commit (one fsync) after the first
   * of them; a slot with nothing left to send ends the wait at once. The most an outcome waits
   * to be acknowledged, so it is bounded to a small part of a request's time.
   */
  commitGatherMs: milliseconds(0, 50).default(20),
  retry: z
    .strictObject({
      inProcessDelaysMs: z
        .array(milliseconds(0, 600_000))
        .max(10)
        .default([1_000, 2_000, 4_000, 8_000]),
      storedDelayMinMs: milliseconds(1_000, 86_400_000).default(60_000),
      storedDelayMaxMs: milliseconds(1_000, 86_400_000).default(3_600_000),
      maxAgeMs: milliseconds(60_000, 90 * 86_400_000).default(7 * 86_400_000),
    })
    .prefault({}),
  breaker: z
    .strictObject({
      /** A run of this many failures in a row within windowMs opens the breaker. */
      failureThreshold: z.number().int().min(1).max(1_000).default(5),
      /** So does this fraction of failed calls within windowMs... */
      failureRateThreshold: z.number().gt(0).max(1).default(0.5),
      /** ...once at least this many calls were made within windowMs. */
      minimumRequests: z.number().int().min(1).max(100_000).default(20),
      windowMs: milliseconds(1_000, 3_600_000).default(60_000),
      probeIntervalMs: milliseconds(1_000, 3_600_000).default(30_000),
    })
    .prefault({}),
});

/** Intake settings shared by every watched folder. */
export const IntakeConfigSchema = z.strictObject({
  /** How often each folder is compared with the store, to queue what watcher events missed. */
  reconcileIntervalMs: milliseconds(1_000, 86_400_000).default(300_000),
  /** How often an unavailable folder is checked for its return (and a present one for loss). */
  folderCheckIntervalMs: milliseconds(100, 600_000).default(5_000),
});

export const FeedConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).default(47_821),
});

export const LogConfigSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  maxFileBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .default(10 * 1024 * 1024),
  maxFiles: z.number().int().min(1).max(100).default(5),
});

export const DesktopConfigSchema = z.strictObject({
  startAtLogin: z.boolean().optional(),
  notifications: z.boolean().default(true),
  /**
   * Whether the packaged desktop app looks for and installs updates (only signed ones, from the
   * feed configured at build time; docs/deployment.md, "Updates"). IT turns it off by policy to
   * roll out versions itself. Read when the app starts.
   */
  autoUpdate: z.boolean().default(true),
});

/** The whole configuration, after defaults are applied. */
export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  folders: z
    .array(FolderConfigSchema)
    .default([])
    .superRefine((folders, context) => {
      const seen = new Set<string>();
      folders.forEach((folder, index) => {
        if (seen.has(folder.id)) {
          context.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `duplicates another folder's id; each watched folder needs its own id`,
          });
        }
        seen.add(folder.id);
      });
    }),
  sharepoint: SharePointConfigSchema.prefault({}),
  auth: AuthConfigSchema.prefault({}),
  delivery: DeliveryConfigSchema.prefault({}),
  intake: IntakeConfigSchema.prefault({}),
  feed: FeedConfigSchema.prefault({}),
  log: LogConfigSchema.prefault({}),
  desktop: DesktopConfigSchema.prefault({}),
  responses: ResponsesConfigSchema.prefault({}),
});

/** The validated configuration, defaults applied. */
export type Config = z.infer<typeof ConfigSchema>;
/** One watched folder's validated configuration. */
export type FolderConfig = z.infer<typeof FolderConfigSchema>;
/** What a config file may contain before defaults. */
export type ConfigInput = z.input<typeof ConfigSchema>;

/**
 * The endpoints to use for a config: the cloud's, overridden by explicit fields. The authority
 * host comes back normalised (normalizeAuthorityHost), so every use of it agrees.
 */
export function resolveCloudEndpoints(sharepoint: Config['sharepoint']): {
  authorityHost: string;
  graphBaseUrl: string;
} {
  const cloud = sharepoint.cloud === 'custom' ? undefined : cloudEndpoints[sharepoint.cloud];
  return {
    authorityHost: normalizeAuthorityHost(sharepoint.authorityHost ?? cloud?.authorityHost ?? ''),
    graphBaseUrl: sharepoint.graphBaseUrl ?? cloud?.graphBaseUrl ?? '',
  };
}

/**
 * An authority host as `https://host[:port]`: the host lower-case, a default port (443) left
 * out, and any path, query, fragment or trailing slash dropped.
 *
 * msal-node trusts an authority when its host and port, as written, equal an entry of
 * `knownAuthorities`. Written `https://login.microsoftonline.com:443`, the authority keeps its
 * ":443" while a host taken from a parsed URL has none, and msal turns to the public cloud's
 * instance discovery instead of signing in. Normalised once, the authority and the trusted host
 * are the same text. A value that is not a URL comes back unchanged (the schema refuses it).
 */
export function normalizeAuthorityHost(authorityHost: string): string {
  let url: URL;
  try {
    url = new URL(authorityHost.trim());
  } catch {
    return authorityHost;
  }
  // The WHATWG URL parser lower-cases the host and drops the scheme's default port.
  return `${url.protocol}//${url.host}`;
}

/**
 * Whether enough is configured to talk to SharePoint (the credential, or the signed-in account,
 * is checked separately). Delegated sign-in needs no tenant: its authority defaults to
 * `organizations`.
 */
export function isTenantConfigured(config: Config): boolean {
  const hasTenant = config.auth.method === 'delegated' || Boolean(config.auth.tenantId);
  return Boolean(config.sharepoint.siteUrl && config.auth.clientId && hasTenant);
}

/**
 * The authority msal-node signs in against: the cloud's authority host and the tenant, or for
 * delegated sign-in without a tenant `organizations` (any work or school account).
 */
export function authorityOf(config: Config): string {
  const { authorityHost } = resolveCloudEndpoints(config.sharepoint);
  const tenant =
    config.auth.tenantId ?? (config.auth.method === 'delegated' ? delegatedDefaultTenant : '');
  return `${authorityHost}/${tenant}`;
}

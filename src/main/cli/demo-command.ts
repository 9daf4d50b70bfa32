import fs from 'node:fs';
import path from 'node:path';
import type { ConfigInput } from '../../shared/config-schema.ts';
import { signedInSentence, type AccountView } from '../core/account/index.ts';
import { startAgent, type Agent } from '../core/agent.ts';
import { builtInDefaults } from '../core/config/index.ts';
import { secretNames, type SecretStore } from '../core/platform.ts';
import { sitedropVersion } from '../core/version.ts';
import { signInDemoUser } from './demo-sign-in.ts';
import { runUntilSignal } from './run-until-signal.ts';
import {
  DEFAULT_LIBRARY_NAME,
  DEFAULT_SITE_HOSTNAME,
  DEFAULT_SITE_PATH,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  DEMO_USER_PRINCIPAL_NAME,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
  type GraphEmulator,
} from '../../../tools/graph-emulator/index.ts';

/**
 * The demo folder's stability window: shorter than the 2 s default so that a file dropped in
 * shows up soon, but at least 1 s, since programs that write in steps (copies from a phone,
 * converters, downloads) pause for hundreds of milliseconds between writes. A longer pause with
 * the file still open is caught by intake's writer check where the OS gives that evidence
 * (docs/intake.md).
 */
const demoStabilityWindowMs = 1_000;

/** The shortest responses check interval the settings allow. */
const demoResponsesPollIntervalMs = 15_000;

/** Options of `sitedrop demo`. */
export interface DemoOptions {
  dataDir: string;
  /** The folder to watch (default DATA_DIR/demo-requests). */
  watchFolder?: string;
  /** The emulator's port (default: a free one). */
  port?: number;
  /** The local folder responses land in (default DATA_DIR/demo-responses). */
  responsesFolder?: string;
}

/** A running demo: the emulator and the agent configured for it. */
export interface Demo {
  agent: Agent;
  emulator: GraphEmulator;
  watchFolder: string;
  /** The demo user, signed in at start. */
  account: AccountView;
  /** The local folder head office's answers land in. */
  responsesFolder: string;
  /** The folder on disk that stands for SharePoint's responses folder: head office drops here. */
  headOfficeFolder: string;
  close(reason?: string): Promise<void>;
}

/**
 * The OpenID configuration of the emulator's tenant, supplied to msal-node as
 * sharepoint.authorityMetadata so that it makes no discovery call.
 */
export function emulatorAuthorityMetadata(authorityHost: string, tenantId: string): string {
  const base = `${authorityHost}/${tenantId}`;
  return JSON.stringify({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    issuer: `${base}/v2.0`,
  });
}

/**
 * The config layer that points an agent at an emulator: its site and library, the demo app
 * registration (secret), its authority with metadata, and its CA as an extra trusted CA.
 */
export function emulatorConfigLayer(
  emulator: Pick<GraphEmulator, 'authorityHost' | 'graphBaseUrl' | 'caFile'>,
): ConfigInput {
  return {
    sharepoint: {
      siteUrl: `https://${DEFAULT_SITE_HOSTNAME}${DEFAULT_SITE_PATH}`,
      library: DEFAULT_LIBRARY_NAME,
      cloud: 'custom',
      authorityHost: emulator.authorityHost,
      graphBaseUrl: emulator.graphBaseUrl,
      authorityMetadata: emulatorAuthorityMetadata(emulator.authorityHost, DEMO_TENANT_ID),
      extraCaFile: emulator.caFile,
    },
    auth: { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, method: 'secret' },
  };
}

/** Secrets held in memory only (the demo's throwaway credential). */
export class MemorySecretStore implements SecretStore {
  readonly #values = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.#values.set(name, value);
  }

  async get(name: string): Promise<string | undefined> {
    return this.#values.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    this.#values.set(name, value);
  }

  async delete(name: string): Promise<void> {
    this.#values.delete(name);
  }

  describe(): string {
    return 'Secrets are kept in memory only (demo mode: nothing is written to disk).';
  }
}

/**
 * Starts the Graph emulator (files under DATA_DIR/demo-sharepoint) and an agent configured for
 * it: a full loop with no tenant. The demo uses its own config file (DATA_DIR/demo-config.json)
 * and no policy, so a real configuration in the same data directory is never mixed in.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const dataDir = path.resolve(options.dataDir);
  const watchFolder = path.resolve(options.watchFolder ?? path.join(dataDir, 'demo-requests'));
  const responsesFolder = path.resolve(
    options.responsesFolder ?? path.join(dataDir, 'demo-responses'),
  );
  const headOfficeFolder = path.join(dataDir, 'demo-head-office');
  fs.mkdirSync(watchFolder, { recursive: true });
  const emulator = await startGraphEmulator({
    ...buildDefaultEmulatorOptions(path.join(dataDir, 'demo-sharepoint')),
    caFile: path.join(dataDir, 'demo-ca.pem'),
    // A device code is approved at once at start: poll it every second, not Entra's 5 s.
    signIn: { deviceCodeIntervalSeconds: 1 },
    headOffice: { directory: headOfficeFolder },
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  try {
    const defaults: ConfigInput = {
      ...builtInDefaults(),
      folders: [
        {
          id: 'demo',
          path: watchFolder,
          label: 'Demo requests',
          stabilityWindowMs: demoStabilityWindowMs,
          // JSON requests carry the request id that head office's answers are linked by.
          requests: { enabled: true },
          // Head office's folder is the demo's own: what is in it when the demo starts (or before
          // the demo user's sign-in lets the first check through) is meant for this site too.
          responses: { enabled: true, localFolder: responsesFolder, alsoBringExisting: true },
        },
      ],
      // As often as the settings allow, so that an answer shows up soon; Check now is at once.
      responses: { pollIntervalMs: demoResponsesPollIntervalMs },
      ...emulatorConfigLayer(emulator),
      // Delegated, as a new install: the demo user is signed in below, and Sign out, Sign in
      // and `sitedrop login` go through the emulator's pages.
      auth: { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, method: 'delegated' },
    };
    const agent = await startAgent({
      dataDir,
      defaults,
      configPath: path.join(dataDir, 'demo-config.json'),
      policyPath: path.join(dataDir, 'demo-policy.json'),
      // The client secret stays for a demo switched to app-only sign-in in Settings.
      secretStore: new MemorySecretStore({ [secretNames.clientSecret]: DEMO_CLIENT_SECRET }),
    });
    let account: AccountView;
    try {
      account = await signInDemoUser(agent.account, {
        userPrincipalName: DEMO_USER_PRINCIPAL_NAME,
        caCertificatePem: emulator.caCertificatePem,
      });
    } catch (error) {
      await agent.close('the demo sign-in failed');
      throw error;
    }
    let closing: Promise<void> | undefined;
    return {
      agent,
      emulator,
      watchFolder,
      account,
      responsesFolder,
      headOfficeFolder,
      close(reason = 'stopped') {
        closing ??= (async () => {
          await agent.close(reason);
          await emulator.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** The first lines `demo` prints. */
export function describeDemo(demo: Demo): string[] {
  return [
    `SiteDrop ${sitedropVersion} demo running (PID ${process.pid}): the agent and a local SharePoint emulator`,
    `Watching:   ${demo.watchFolder}  (folder "demo")`,
    `Responses:  ${demo.responsesFolder}  (head office's answers arrive here)`,
    `Head office: ${demo.headOfficeFolder}  (drop "REQ-xx answer.pdf" here, as head office would in SharePoint)`,
    `SharePoint: ${demo.emulator.rootDir}${path.sep}${DEFAULT_LIBRARY_NAME}  (delivered files appear here)`,
    `Data:       ${demo.agent.dataDir}`,
    `Status:     npx sitedrop status --data-dir "${demo.agent.dataDir}"`,
    `Dashboard:  ${demo.agent.feed.dashboardUrl}`,
    `Account:    ${signedInSentence(demo.account)} (the demo user; Sign out and Sign in on the dashboard use the emulator's pages)`,
    'Try it:     copy a file into the watched folder and watch it appear under SharePoint;',
    '            then drop "<request id> answer.pdf" into Head office and watch it arrive in Responses.',
    'Stop:       Ctrl+C (a second Ctrl+C exits at once)',
  ];
}

/** Runs `sitedrop demo` until SIGINT or SIGTERM (a second signal exits at once). */
export async function runDemoCommand(
  options: DemoOptions,
  print: (line: string) => void,
): Promise<Demo> {
  return runUntilSignal(
    {
      start: async () => {
        const demo = await startDemo(options);
        for (const line of describeDemo(demo)) print(line);
        return demo;
      },
      close: (demo, signal) => demo.close(signal),
      redactText: (demo, text) => demo.agent.redactor.redactText(text),
    },
    print,
  );
}

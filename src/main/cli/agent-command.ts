import { isTenantConfigured, type AuthMethod } from '../../shared/config-schema.ts';
import { startAgent, type Agent, type AgentOptions } from '../core/agent.ts';
import { sitedropVersion } from '../core/version.ts';
import { runUntilSignal } from './run-until-signal.ts';

/**
 * Whether to also print readable log lines to stderr: SITEDROP_LOG_CONSOLE=1 or 0 decides;
 * otherwise yes when stderr is a terminal (a person running it in development), no when it
 * is a file or a service manager's pipe (the log file has everything).
 */
export function isConsoleLogWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SITEDROP_LOG_CONSOLE === '1') return true;
  if (env.SITEDROP_LOG_CONSOLE === '0') return false;
  return process.stderr.isTTY === true;
}

/**
 * Runs the headless agent until SIGINT or SIGTERM, printing where it watches, where its data
 * lives and how to see its status in its first lines.
 *
 * The first signal shuts down gracefully (stop taking work, let in-flight work reach a safe
 * point, close the database); a second one exits at once. SQLite's transactions keep the
 * database whole either way: a half-finished step is rolled back at the next start.
 */
export async function runAgentCommand(
  options: AgentOptions,
  print: (line: string) => void,
): Promise<Agent> {
  return runUntilSignal(
    {
      start: async () => {
        const agent = await startAgent({ logToConsole: isConsoleLogWanted(), ...options });
        for (const line of describeAgent(agent)) print(line);
        return agent;
      },
      close: (agent, signal) => agent.close(signal),
      redactText: (agent, text) => agent.redactor.redactText(text),
    },
    print,
  );
}

/** The first lines `agent` prints. */
export function describeAgent(agent: Agent): string[] {
  const lines = [`SiteDrop ${sitedropVersion} agent running (PID ${process.pid})`];
  for (const folder of agent.config.folders) {
    lines.push(`Watching:   ${folder.path}  (folder "${folder.id}")`);
  }
  if (agent.config.folders.length === 0) lines.push('Watching:   no folders configured');
  lines.push(`Data:       ${agent.dataDir}  (database, logs, settings)`);
  lines.push(`Status:     npx sitedrop status --data-dir "${agent.dataDir}"`);
  // The token travels in the fragment, which never reaches the server; this line goes to
  // stdout only, never to the log file (docs/feed.md).
  lines.push(`Dashboard:  ${agent.feed.dashboardUrl}`);
  if (agent.recovery) {
    lines.push(
      `Notice:     the database was damaged; it was moved to ${agent.recovery.movedTo} and the folders are rescanned.`,
    );
  }
  if (!isTenantConfigured(agent.config)) {
    lines.push(
      'SharePoint: not connected. Files are kept safely queued until you connect a tenant:',
      ...howToConnect(agent.config.auth.method, agent.configPath, agent.dataDir),
    );
  } else {
    lines.push(
      `SharePoint: ${agent.config.sharepoint.siteUrl} (library ${agent.config.sharepoint.library})`,
    );
  }
  lines.push('Stop:       Ctrl+C (a second Ctrl+C exits at once)');
  return lines;
}

/** The steps that connect a tenant for the configured sign-in method. */
function howToConnect(method: AuthMethod, configPath: string, dataDir: string): string[] {
  if (method === 'delegated') {
    return [
      `            set sharepoint.siteUrl and auth.clientId (the app's Application (client) ID) in ${configPath},`,
      `            then sign in: npx sitedrop login --data-dir "${dataDir}" (docs/configuration.md).`,
    ];
  }
  const credential =
    method === 'certificate'
      ? 'auth.certificate.path and auth.certificate.thumbprint'
      : 'the client secret in SITEDROP_CLIENT_SECRET';
  return [
    `            set sharepoint.siteUrl, auth.tenantId and auth.clientId in ${configPath}`,
    `            and ${credential} (docs/configuration.md).`,
  ];
}

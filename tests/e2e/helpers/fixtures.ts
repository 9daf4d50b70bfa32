/**
 * The Playwright fixture every e2e test uses: a temp directory, the Graph emulator and the agent
 * as real processes, and helpers to drop files and restart the agent. Everything it starts is
 * stopped after the test, pass or fail.
 */
import { test as base, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  emulatorAgentConfig,
  findFreePort,
  runCli,
  startAgentProcess,
  startEmulatorProcess,
  type AgentProcess,
  type EmulatorProcess,
} from './sitedrop-processes.ts';

/** How to start the agent for one test. */
export interface AgentSetup {
  /** The site URL in the user config (default: the emulator's site; null: none). */
  siteUrl?: string | null;
  /** A managed policy (config fields IT sets); written to a policy file. */
  policy?: Record<string, unknown>;
  /** Extra delivery settings. */
  delivery?: Record<string, unknown>;
  /** Sign-in settings over the emulator's app-only defaults (e.g. `method: 'delegated'`). */
  auth?: Record<string, unknown>;
  /** Extra settings of the watched folder (e.g. `requests: { enabled: true }`). */
  folder?: Record<string, unknown>;
  /** Another emulator to point the agent at (one the test started itself, e.g. with more clients). */
  emulator?: Pick<EmulatorProcess, 'authorityHost' | 'graphBaseUrl' | 'caFile'>;
}

/** One test's SiteDrop: emulator, agent, watched folder. */
export interface SiteDrop {
  directory: string;
  emulator: EmulatorProcess;
  watchFolder: string;
  configPath: string;
  agent(): AgentProcess;
  start(setup?: AgentSetup): Promise<AgentProcess>;
  /** Stops the agent process (SIGTERM) and waits until it exited. */
  stopAgent(): Promise<void>;
  /** Starts the agent again on the same data directory, config and port. */
  restartAgent(): Promise<AgentProcess>;
  /** Writes a file into the watched folder (atomically: written aside, then renamed in). */
  drop(name: string, content: string | Buffer): string;
  /** Opens the dashboard link the agent printed. */
  open(page: Page, screen?: string): Promise<void>;
  /** The bytes the emulator stored for a path in the library. */
  delivered(libraryPath: string): Buffer | undefined;
  /** What `sitedrop status` prints for this data directory (the human output). */
  status(): string;
}

export const test = base.extend<{ sitedrop: SiteDrop }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies first
  sitedrop: async ({}, use, testInfo) => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sitedrop-e2e-'));
    const watchFolder = path.join(directory, 'requests');
    fs.mkdirSync(watchFolder);
    const dataDir = path.join(directory, 'data');
    const configPath = path.join(directory, 'config.json');
    const policyPath = path.join(directory, 'policy.json');
    const emulator = await startEmulatorProcess(directory);
    const port = await findFreePort();
    let agent: AgentProcess | undefined;
    let setupUsed: AgentSetup = {};
    const launch = async () => {
      agent = await startAgentProcess({
        dataDir,
        configPath,
        port,
        ...(setupUsed.policy ? { policyPath } : {}),
      });
      return agent;
    };
    const sitedrop: SiteDrop = {
      directory,
      emulator,
      watchFolder,
      configPath,
      agent: () => {
        if (!agent) throw new Error('start() the agent first');
        return agent;
      },
      async start(setup = {}) {
        setupUsed = setup;
        const config = emulatorAgentConfig(setup.emulator ?? emulator, watchFolder, setup);
        fs.writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
        if (setup.policy) fs.writeFileSync(policyPath, JSON.stringify(setup.policy));
        return launch();
      },
      async stopAgent() {
        await agent?.close();
      },
      async restartAgent() {
        await agent?.close();
        return launch();
      },
      drop(name, content) {
        const aside = path.join(directory, `.${name}.partial`);
        fs.writeFileSync(aside, content);
        const target = path.join(watchFolder, name);
        fs.renameSync(aside, target);
        return target;
      },
      async open(page, screen = '/') {
        const url = new URL(sitedrop.agent().dashboardUrl);
        url.pathname = screen;
        await page.goto(url.toString());
        await expect(page.getByTestId('link-state')).toHaveText(/Live/);
      },
      delivered(libraryPath) {
        const file = path.join(emulator.rootDir, 'Documents', ...libraryPath.split('/'));
        return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
      },
      status: () => runCli(['status', '--data-dir', dataDir]),
    };
    try {
      await use(sitedrop);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus && agent) {
        await testInfo.attach('agent output', { body: agent.output(), contentType: 'text/plain' });
      }
      await agent?.close();
      await emulator.close();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  },
});

export { expect };

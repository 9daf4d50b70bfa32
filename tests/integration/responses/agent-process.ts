import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import { emulatorConfigLayer } from '../../../src/main/cli/demo-command.ts';
import {
  DEMO_CLIENT_SECRET,
  buildDefaultEmulatorOptions,
  startGraphEmulator,
} from '../../../tools/graph-emulator/index.ts';
import { CliProcess, cliEnvironment } from '../../helpers/cli.ts';

/** One row of the agent's inbox, read from its database file. */
export interface StoredResponse {
  id: number;
  name: string;
  state: string;
  download_offset: number;
  local_path: string | null;
  error_code: string | null;
  error_message: string | null;
}

/**
 * The real `sitedrop agent` as a child process, with one watched folder whose responses come
 * from SharePoint's `Answers` folder (everything already there too) into a local folder, against
 * an in-process Graph emulator. Everything is closed when the test finishes.
 */
export async function startAgentHome(options: { dataDir?: string } = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sitedrop-responses-agent-'));
  onTestFinished(() => fs.rmSync(home, { recursive: true, force: true }));
  const emulator = await startGraphEmulator({
    ...buildDefaultEmulatorOptions(path.join(home, 'sharepoint')),
    caFile: path.join(home, 'ca.pem'),
  });
  onTestFinished(() => emulator.close());
  const dataDir = options.dataDir ?? path.join(home, 'data');
  const watched = path.join(home, 'watched');
  const localFolder = path.join(home, 'responses');
  fs.mkdirSync(watched, { recursive: true });
  const configPath = path.join(home, 'config.json');
  fs.writeFileSync(
    configPath,
    JSON.stringify({
      folders: [
        {
          id: 'requests',
          path: watched,
          target: { folderPath: 'Requests' },
          responses: { enabled: true, remotePath: 'Answers', localFolder, alsoBringExisting: true },
        },
      ],
      responses: { minimumFreeBytes: 0 },
      ...emulatorConfigLayer(emulator),
      log: { level: 'info' },
    }),
  );
  const env = cliEnvironment(home, { SITEDROP_CLIENT_SECRET: DEMO_CLIENT_SECRET });
  const args = ['agent', '--data-dir', dataDir, '--config', configPath];

  return {
    home,
    emulator,
    dataDir,
    localFolder,
    /** Starts the agent; it is SIGKILLed when the test finishes if still running. */
    start(): CliProcess {
      return new CliProcess(args, env);
    },
    /** The inbox as the agent's database holds it (read-only, beside the running agent). */
    responses(): StoredResponse[] {
      const file = path.join(dataDir, 'sitedrop.db');
      if (!fs.existsSync(file)) return [];
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return db
          .prepare(
            'SELECT id, name, state, download_offset, local_path, error_code, error_message FROM responses ORDER BY id',
          )
          .all() as StoredResponse[];
      } catch {
        return [];
      } finally {
        db.close();
      }
    },
    /** Bytes in a response's partial file, or -1 when there is none. */
    partialSizeBytes(responseId: number): number {
      const file = path.join(localFolder, '.sitedrop-partial', `${responseId}.partial`);
      return fs.existsSync(file) ? fs.statSync(file).size : -1;
    },
    /** The names in the local responses folder a person sees (hidden ones left out). */
    visibleNames(): string[] {
      if (!fs.existsSync(localFolder)) return [];
      return fs
        .readdirSync(localFolder)
        .filter((name) => !name.startsWith('.'))
        .sort();
    },
    /** Download-URL requests, with the Range each asked for. */
    downloads() {
      return emulator.requestLog.filter((record) => record.path.includes('/_download/'));
    },
  };
}

/** SIGKILLs a process and waits until it is gone. */
export async function killHard(agent: CliProcess): Promise<void> {
  if (agent.child.exitCode !== null || agent.child.signalCode !== null) return;
  agent.child.kill('SIGKILL');
  await agent.exited;
}

/** The SHA-256 of a buffer or a file, hex. */
export function sha256Of(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? fs.readFileSync(content) : content;
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

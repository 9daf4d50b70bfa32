import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEmulatorFromCommandLine } from '../../../../tools/graph-emulator/index.ts';
import { httpsRequest } from './emulator-client.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

function printed(lines: string[], label: string): string {
  const line = lines.find((candidate) => candidate.trim().startsWith(label));
  return (
    line
      ?.slice(line.indexOf(label) + label.length)
      .trim()
      .split(/\s+/)[0] ?? ''
  );
}

describe('sitedrop emulator (command line)', () => {
  it('prints everything a client needs, and those values work', async () => {
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'graph-emulator-cli-'));
    const lines: string[] = [];
    const emulator = await runEmulatorFromCommandLine(
      { rootDir: path.join(workDir, 'root') },
      (line) => lines.push(line),
    );
    const agent = new Agent({ ca: await readFile(printed(lines, 'CA certificate:'), 'utf8') });
    try {
      expect(printed(lines, 'Graph base URL:')).toBe(emulator.graphBaseUrl);
      const token = await httpsRequest(agent, `${printed(lines, 'Authority:')}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: printed(lines, 'Client id:'),
          client_secret: printed(lines, 'Client secret:'),
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
      });
      expect(token.status).toBe(200);
      const controlLine = lines.find((line) => line.includes('x-emulator-control-token')) ?? '';
      const faults = await httpsRequest(agent, `${emulator.authorityHost}/_emulator/faults`, {
        headers: { 'x-emulator-control-token': controlLine.split(' ').at(-1) ?? '' },
      });
      expect(faults.status).toBe(200);
      const deviceLogin = await httpsRequest(agent, printed(lines, 'Device login:'));
      expect(deviceLogin.text).toContain('name="user_code"');
      expect(printed(lines, 'Users:')).toContain('dana@contoso.example');
    } finally {
      agent.destroy();
      await emulator.close();
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it('with --head-office prints the drop folder, and a file copied there appears under Responses/ in the library', async () => {
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'graph-emulator-cli-'));
    const lines: string[] = [];
    const emulator = await runEmulatorFromCommandLine(
      { rootDir: path.join(workDir, 'root'), headOffice: path.join(workDir, 'head office') },
      (line) => lines.push(line),
    );
    try {
      const headOffice = lines.find((line) => line.trim().startsWith('Head office:')) ?? '';
      expect(headOffice).toContain(path.join(workDir, 'head office'));
      expect(headOffice).toContain('Responses/');
      await writeFile(path.join(workDir, 'head office', 'answer.txt'), 'answer');
      const stored = path.join(workDir, 'root', 'Documents', 'Responses', 'answer.txt');
      const bytes = await waitFor(() => readFile(stored, 'utf8').catch(() => undefined));
      expect(bytes).toBe('answer');
    } finally {
      await emulator.close();
      await rm(workDir, { recursive: true, force: true });
    }
  });
});

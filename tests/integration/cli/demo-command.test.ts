import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliProcess, cliEnvironment } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

async function waitForFile(filePath: string, timeoutMs: number): Promise<Buffer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(filePath)) return fs.readFileSync(filePath);
    if (Date.now() > deadline) throw new Error(`${filePath} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sitedrop demo (a real process)', () => {
  it('delivers a dropped file to the emulated SharePoint, byte-identical', async () => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'demo-data');
    const demo = new CliProcess(['demo', '--data-dir', dataDir], cliEnvironment(home));
    await demo.waitForOutput('Stop:');
    const watchFolder = path.join(dataDir, 'demo-requests');
    expect(demo.stdout.split('\n')[1]).toBe(`Watching:   ${watchFolder}  (folder "demo")`);
    // Delegated sign-in, as a new install, with the demo user signed in at start.
    expect(demo.stdout).toContain('Account:    Signed in as Dana Site (dana@contoso.example)');

    const content = Buffer.from(Array.from({ length: 70_000 }, (_, index) => index % 251));
    fs.mkdirSync(path.join(watchFolder, 'site-a'), { recursive: true });
    fs.writeFileSync(path.join(watchFolder, 'site-a', 'scan 1.pdf'), content);
    const delivered = await waitForFile(
      path.join(dataDir, 'demo-sharepoint', 'Documents', 'site-a', 'scan 1.pdf'),
      20_000,
    );
    expect(delivered.equals(content)).toBe(true);

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliProcess, cliEnvironment, runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** Retries `attempt` until it returns a value, or fails after timeoutMs. */
async function eventually<T>(attempt: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const request = {
  request_id: 'REQ-77',
  device_id: 'tablet-north-yard-03',
  timestamp: '2026-11-21T09:30:00+01:00',
  requested_by: 'A. Rivera',
  site: 'North Yard',
  parts: [{ part_number: 'HX-220', quantity: 4, unit: 'pcs' }],
};

describe('sitedrop demo and sitedrop responses --check-now (real processes)', () => {
  it('a request goes up, head office answers in its folder, and --check-now brings the answer', async () => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'demo-data');
    const responsesFolder = path.join(home, 'answers');
    const environment = cliEnvironment(home);
    const demo = new CliProcess(
      ['demo', '--data-dir', dataDir, '--responses', responsesFolder],
      environment,
    );
    await demo.waitForOutput('Stop:');
    const lines = demo.stdout.split('\n');
    const headOffice = path.join(dataDir, 'demo-head-office');
    expect(lines[1]).toBe(`Watching:   ${path.join(dataDir, 'demo-requests')}  (folder "demo")`);
    expect(lines[2]).toMatch(new RegExp(`^Responses: +${escape(responsesFolder)} `));
    expect(lines[3]).toMatch(new RegExp(`^Head office: +${escape(headOffice)} `));

    fs.writeFileSync(path.join(dataDir, 'demo-requests', 'REQ-77.json'), JSON.stringify(request));
    await eventually(() => {
      const status = runCli(['status', '--data-dir', dataDir, '--json'], environment);
      const items = (JSON.parse(status.stdout) as { items: { state: string }[] }).items;
      return items.some((item) => item.state === 'delivered') ? true : undefined;
    }, 30_000);

    const answer = Buffer.from('the parts ship on Monday');
    fs.writeFileSync(path.join(headOffice, 'REQ-77 answer.pdf'), answer);
    const listed = await eventually(() => {
      const run = runCli(['responses', '--data-dir', dataDir, '--check-now'], environment);
      expect(run.exitCode, run.stderr).toBe(0);
      return run.stdout.includes('ready') ? run.stdout : undefined;
    }, 30_000);
    expect(listed).toContain('Checked SharePoint for responses just now.');
    expect(listed).toContain('REQ-77 answer.pdf');
    expect(listed).toContain('for REQ-77');
    expect(fs.readFileSync(path.join(responsesFolder, 'REQ-77 answer.pdf'))).toEqual(answer);

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  }, 120_000);

  it('--check-now without a running agent says so', () => {
    const home = makeTempDir();
    const dataDir = path.join(home, 'data');
    fs.mkdirSync(dataDir);
    const run = runCli(['responses', '--data-dir', dataDir, '--check-now'], cliEnvironment(home));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`No SiteDrop agent is running for ${dataDir}`);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const runFile = promisify(execFile);

/** What the writer process runs: each file created, written and closed, one after another. */
const writerScript = `
import fs from 'node:fs';
import path from 'node:path';
const { folder, files } = JSON.parse(process.argv[1]);
for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), content);
`;

/**
 * Writes files into a folder from another process, as a copy program does: each file whole
 * (created, written, closed), then the next. The agent under test never shares the writer's
 * event loop and thread pool: a writer in the test's own process does, and then the agent's work
 * delays the writes and the agent's thread-pool calls wait behind them, neither of which
 * happens with a real program.
 */
export async function writeFromOtherProcess(
  folder: string,
  files: Record<string, string>,
): Promise<void> {
  await runFile(
    process.execPath,
    ['--input-type=module', '-e', writerScript, JSON.stringify({ folder, files })],
    { timeout: 60_000 },
  );
}

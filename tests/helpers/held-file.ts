import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { onTestFinished } from 'vitest';

/** What the holder process runs: open the file, then write or close as told, one line each. */
const holderScript = `
import fs from 'node:fs';
import readline from 'node:readline';
const { file, flags } = JSON.parse(process.argv[1]);
const fd = fs.openSync(file, flags);
process.stdout.write('ready\\n');
for await (const line of readline.createInterface({ input: process.stdin })) {
  const command = JSON.parse(line);
  if (command.write !== undefined) fs.writeSync(fd, Buffer.from(command.write, 'base64'));
  if (command.close) fs.closeSync(fd);
  process.stdout.write('ready\\n');
  if (command.close) process.exit(0);
}
`;

/** A file held open by another process, which writes and closes it when told. */
export interface HeldFile {
  /** The holder's process id. */
  pid: number;
  /** Writes these bytes at the file's current offset (the holder's open flags decide where). */
  write(content: Buffer): Promise<void>;
  /** Closes the file and ends the holder. */
  close(): Promise<void>;
}

/**
 * Opens `file` with `flags` (`'w'`, `'a'`, `'r'`…) in another process and keeps it open, as a
 * download, a scanner or a viewer does, until `close()`. The holder is a real program: the agent
 * under test sees it as any other process (its own fd table, its own `/proc/<pid>`). Killed when
 * the test finishes, if still running.
 */
export async function holdFileOpen(file: string, flags: string): Promise<HeldFile> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', holderScript, JSON.stringify({ file, flags })],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  onTestFinished(async () => {
    if (child.exitCode === null) child.kill();
    await exited;
  });
  const replies = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextReply = async (): Promise<void> => {
    const reply = await replies.next();
    if (reply.done || reply.value !== 'ready') {
      throw new Error(`The process holding ${file} stopped (exit code ${child.exitCode})`);
    }
  };
  const send = async (command: object): Promise<void> => {
    child.stdin.write(`${JSON.stringify(command)}\n`);
    await nextReply();
  };
  await nextReply();
  return {
    pid: child.pid!,
    write: (content) => send({ write: content.toString('base64') }),
    close: async () => {
      await send({ close: true });
      await exited;
    },
  };
}

import fs from 'node:fs';
import path from 'node:path';

/** The file in the data directory that names the port the running agent's feed listens on. */
export const feedPortFileName = 'feed-port';

/**
 * Records the port the feed listens on, so that a command run beside the agent (`sitedrop
 * responses --check-now`) finds it even when the port was picked at start (feed.port 0). Written
 * atomically; only the data directory lock, not this file, says whether an agent runs.
 */
export function writeFeedPortFile(dataDir: string, port: number): void {
  const file = path.join(dataDir, feedPortFileName);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${port}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

/** Removes the port file once the feed stopped listening; a missing file is fine. */
export function removeFeedPortFile(dataDir: string): void {
  fs.rmSync(path.join(dataDir, feedPortFileName), { force: true });
}

/** The port the data directory's feed last listened on, or undefined when none is recorded. */
export function readFeedPortFile(dataDir: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, feedPortFileName), 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const port = Number(text);
  return /^\d{1,5}$/.test(text) && port > 0 && port <= 65_535 ? port : undefined;
}

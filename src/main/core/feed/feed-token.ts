import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The token file's name inside the data directory. */
export const feedTokenFileName = 'feed-token';

const tokenPattern = /^[A-Za-z0-9_-]{43,}$/;

/**
 * The feed's token for a data directory: 32 random bytes, base64url (43 characters), kept in
 * DATA_DIR/feed-token with mode 0600, created once and reused across restarts so a dashboard
 * tab or a script keeps working. A file with other content, or readable by others, is
 * replaced or tightened. base64url characters are valid in a WebSocket subprotocol name.
 */
export function readOrCreateFeedToken(dataDir: string): string {
  const file = path.join(dataDir, feedTokenFileName);
  const existing = readToken(file);
  if (existing !== undefined) {
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
      fs.chmodSync(file, 0o600);
    }
    return existing;
  }
  const token = crypto.randomBytes(32).toString('base64url');
  const temporary = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, `${token}\n`, { mode: 0o600, flag: 'wx' });
  fs.renameSync(temporary, file);
  return token;
}

/** The data directory's feed token as its file holds it, or undefined when there is none yet. */
export function readFeedToken(dataDir: string): string | undefined {
  return readToken(path.join(dataDir, feedTokenFileName));
}

function readToken(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const token = text.trim();
  return tokenPattern.test(token) ? token : undefined;
}

/** Compares two tokens in constant time (their hashes, so lengths never leak either). */
export function isSameToken(expected: string, given: string): boolean {
  const digest = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest();
  return crypto.timingSafeEqual(digest(expected), digest(given));
}

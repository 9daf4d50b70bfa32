// Delta tokens: a position in a drive's change journal, sealed so that a client can only hand it
// back. Graph's tokens are opaque ("Treat deltaLink/nextLink as opaque URLs": the service has
// changed their form, OneDrive/onedrive-api-docs#1408), so the emulator's are encrypted and
// authenticated (AES-256-GCM) with a key kept in `<rootDir>/.graph-emulator-state/`, which lets a
// deltaLink outlive an emulator restart as SharePoint's does. A token that does not open is one
// the service cannot serve: the caller answers 410 Gone.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** Where a delta round stands: what a nextLink or a deltaLink carries. */
export interface DeltaPosition {
  readonly driveId: string;
  /** The folder the delta is scoped to (the root's id for a drive's delta). */
  readonly scopeId: string;
  /** The change log's generation when issued (an older one answers 410). */
  readonly generation: number;
  /** Changes after this sequence are reported; -1: enumerate everything (no deletions). */
  readonly since: number;
  /** The round's end: changes up to this sequence (absent on a deltaLink: the round starts). */
  readonly upTo?: number;
  /** The last sequence reported on earlier pages of the round (nextLinks only). */
  readonly after?: number;
  /** Where the previous page started, so a page can repeat it (fault `repeatDeltaItems`). */
  readonly previousAfter?: number;
  /** The client's `$top` and `$select`, kept for the round's later pages. */
  readonly top?: number;
  readonly select?: string;
}

const positionSchema = z
  .object({
    driveId: z.string(),
    scopeId: z.string(),
    generation: z.number().int(),
    since: z.number().int(),
    upTo: z.number().int().optional(),
    after: z.number().int().optional(),
    previousAfter: z.number().int().optional(),
    top: z.number().int().optional(),
    select: z.string().optional(),
  })
  .strict();

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals and opens delta tokens with one key per rootDir. */
export class DeltaTokens {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** The key kept in `stateDirectory` (made on first use, owner-only). */
  static async open(stateDirectory: string): Promise<DeltaTokens> {
    const file = path.join(stateDirectory, 'delta-tokens.key');
    try {
      const key = await readFile(file);
      if (key.length === 32) return new DeltaTokens(key);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = randomBytes(32);
    await mkdir(stateDirectory, { recursive: true });
    await writeFile(file, key, { mode: 0o600 });
    return new DeltaTokens(key);
  }

  /** A token for `position`: base64url, no padding, safe in a query and in `delta(token='…')`. */
  seal(position: DeltaPosition): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(position)), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The position a token stands for; undefined when it was not sealed by this key. */
  open(token: string): DeltaPosition | undefined {
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const text = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      const parsed = positionSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../../src/main/core/logging/index.ts';
import { makeTempDir } from '../../../../helpers/temp-dir.ts';

const clientSecret = 'Xyz8Q~verySecretClientSecretValue123';
const accessToken =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlLXBhcnQ';
const uploadUrl =
  'https://contoso.sharepoint.com/_api/v2.0/drives/b!x/items/y/uploadSession?guid=1&tempauth=abcdefSECRET';
const privateKey =
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

describe('logging', () => {
  it('writes structured lines to a file in the data directory, with no secret in them', async () => {
    const dataDir = makeTempDir();
    const { logger, redactor, close, logDir } = await createLogger({
      dataDir,
      level: 'info',
      maxFileBytes: 1024 * 1024,
      maxFiles: 3,
      console: false,
    });
    redactor.register(clientSecret);
    logger.info({ headers: { authorization: `Bearer ${accessToken}` } }, 'calling Graph');
    logger.info({ auth: { clientSecret, tenantId: 'contoso.onmicrosoft.com' } }, 'configured');
    logger.warn({ item: { uploadSessionUrl: uploadUrl } }, 'session stored');
    logger.error(
      { err: new Error(`Graph refused ${uploadUrl} with token ${accessToken}`) },
      'upload failed',
    );
    logger.info(`a message that quotes the secret ${clientSecret} by mistake`);
    logger.info({ certificate: privateKey }, 'loaded key');
    await close();

    const text = fs
      .readdirSync(logDir)
      .map((file) => fs.readFileSync(path.join(logDir, file), 'utf8'))
      .join('');
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toEqual([
      'calling Graph',
      'configured',
      'session stored',
      'upload failed',
      'a message that quotes the secret [redacted] by mistake',
      'loaded key',
    ]);
    expect(lines[1]).toMatchObject({ auth: { tenantId: 'contoso.onmicrosoft.com' } });
    for (const secret of [
      clientSecret,
      accessToken,
      'tempauth=abcdefSECRET',
      'MIIEvQIBADANBgkqhkiG9w0',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('rotates by size and keeps at most the configured number of files', async () => {
    const dataDir = makeTempDir();
    const { logger, close, logDir } = await createLogger({
      dataDir,
      level: 'info',
      maxFileBytes: 64 * 1024,
      maxFiles: 3,
      console: false,
    });
    for (let index = 0; index < 3000; index += 1) {
      logger.info({ index, padding: 'x'.repeat(100) }, 'filler');
      // Let the stream write between bursts, as it does between a running agent's log lines.
      if (index % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    await close();
    const files = fs.readdirSync(logDir);
    expect(files.length).toBeLessThanOrEqual(3);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      // A file rolls over after the write that crosses the cap: at most one write batch more.
      expect(fs.statSync(path.join(logDir, file)).size).toBeLessThan(64 * 1024 + 16 * 1024);
    }
  });
});

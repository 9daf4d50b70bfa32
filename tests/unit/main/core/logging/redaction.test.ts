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

  it('rotates by size and keeps the logs on disk bounded however much is logged', async () => {
    const dataDir = makeTempDir();
    const maxFileBytes = 64 * 1024;
    const maxFiles = 3;
    const { logger, close, logDir } = await createLogger({
      dataDir,
      level: 'info',
      maxFileBytes,
      maxFiles,
      console: false,
    });
    let loggedBytes = 0;
    for (let index = 0; index < 6000; index += 1) {
      const padding = 'x'.repeat(100);
      logger.info({ index, padding }, 'filler');
      loggedBytes += padding.length + 60;
      // Let the stream write between bursts, as it does between a running agent's log lines.
      if (index % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    await close();
    const files = fs.readdirSync(logDir);
    const bytesOnDisk = files.reduce(
      (total, file) => total + fs.statSync(path.join(logDir, file)).size,
      0,
    );
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(maxFiles);
    // pino-roll rolls a file over once its stream drains after crossing the cap, so one file
    // may run past it during a burst; what must hold is that old files are deleted and the
    // total stays near maxFiles × maxFileBytes, far below what was logged.
    expect(loggedBytes).toBeGreaterThan(4 * maxFiles * maxFileBytes);
    expect(bytesOnDisk).toBeLessThan(1.5 * maxFiles * maxFileBytes);
  });
});

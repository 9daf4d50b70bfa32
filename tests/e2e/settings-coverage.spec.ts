/**
 * Issue 5, Settings (admins), the fields beyond the connection basics: the certificate's private
 * key (write-only, kept by the agent's secret store), per-folder intake settings and delivery
 * tuning, each validated inline with the shared config schema.
 */
import fs from 'node:fs';
import { expect, test } from './helpers/fixtures.ts';
import { makeCertificate, startCertificateEmulator } from './helpers/certificate-client.ts';

test('a certificate key and thumbprint entered here sign in, and the key is never shown back', async ({
  page,
  sitedrop,
}) => {
  const certificate = await makeCertificate('SiteDrop e2e');
  const emulator = await startCertificateEmulator(sitedrop.directory, certificate.certificatePem);
  try {
    await sitedrop.start({ emulator });
    await sitedrop.open(page, '/settings');

    await page.getByRole('combobox', { name: 'Sign-in method' }).selectOption('certificate');
    const key = page.getByRole('textbox', { name: 'Certificate private key' });
    await expect(page.getByTestId('secrets.certificateKey-status')).toHaveText('Not set');
    await key.fill('not a key');
    await expect(
      page.getByText(
        'Certificate private key must be a PEM private key, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----.',
      ),
    ).toBeVisible();
    await key.fill(certificate.privateKeyPem);
    await page
      .getByRole('textbox', { name: 'Certificate thumbprint' })
      .fill(certificate.thumbprint);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByTestId('save-outcome')).toHaveText(
      'Saved. The changes are in effect now.',
    );

    // Sent once: the field is empty again and only says that a key is set.
    await expect(key).toHaveValue('');
    await expect(page.getByTestId('secrets.certificateKey-status')).toHaveText('Set');

    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByText('Everything works: SiteDrop can deliver files.')).toBeVisible();
    await expect(page.locator('[data-step="token"]')).toContainText('OK');

    const keyBody = certificate.privateKeyPem.split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(20);
    const configText = fs.readFileSync(sitedrop.configPath, 'utf8');
    expect(configText).not.toContain('PRIVATE KEY');
    expect(configText).not.toContain(keyBody);
    const config = JSON.parse(configText) as {
      auth: { method: string; certificate?: { thumbprint?: string } };
    };
    expect(config.auth.method).toBe('certificate');
    expect(config.auth.certificate?.thumbprint).toBe(certificate.thumbprint);

    // A fresh page learns only that a key is set.
    await page.reload();
    await expect(page.getByTestId('secrets.certificateKey-status')).toHaveText('Set');
    await expect(page.getByRole('textbox', { name: 'Certificate private key' })).toHaveValue('');
    expect(await page.content()).not.toContain(keyBody);
  } finally {
    await emulator.close();
  }
});

test('a per-folder stability window saved here is used by the running agent', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/settings');
  const folder = page.getByRole('region', { name: 'Folder Site office' });
  const window = folder.getByRole('textbox', { name: 'Stability window' });
  await expect(window).toHaveValue('0.3 s');
  await window.fill('2.5 s');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Saved. The changes are in effect now.',
  );
  const config = JSON.parse(fs.readFileSync(sitedrop.configPath, 'utf8')) as {
    folders: { id: string; stabilityWindowMs: number }[];
  };
  expect(config.folders.find((entry) => entry.id === 'office')?.stabilityWindowMs).toBe(2500);

  // A file dropped now is taken no sooner than 2.5 s after it was written (it was 0.3 s).
  await page.getByRole('link', { name: 'Activity' }).click();
  const droppedAt = Date.now();
  sitedrop.drop('steady.pdf', 'taken after the new stability window');
  await expect(page.getByRole('article', { name: 'steady.pdf' })).toBeVisible({
    timeout: 15_000,
  });
  expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(2500);
  await expect(
    page.getByRole('article', { name: 'steady.pdf' }).getByText('Delivered'),
  ).toBeVisible();
});

test('invalid delivery and folder values are refused inline with the schema’s sentence', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/settings');
  const before = fs.readFileSync(sitedrop.configPath, 'utf8');

  const chunk = page.getByRole('textbox', { name: 'Upload chunk size' });
  await chunk.fill('1 MB');
  await expect(
    page.getByText(
      'Upload chunk size must be a multiple of 320 KiB; 1 MB is not: use 960 KiB or 1.25 MiB.',
    ),
  ).toBeVisible();
  await expect(chunk).toHaveAttribute('aria-invalid', 'true');

  const folderPath = page
    .getByRole('region', { name: 'Folder Site office' })
    .getByRole('textbox', { name: 'Folder on this computer' });
  await folderPath.fill('requests/office');
  await expect(
    page.getByText(
      'Folder on this computer must be an absolute path (for example /srv/requests or C:\\Requests).',
    ),
  ).toBeVisible();
  await expect(folderPath).toHaveAttribute('aria-invalid', 'true');

  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Nothing was saved: correct the fields listed at the top of Settings first.',
  );
  expect(fs.readFileSync(sitedrop.configPath, 'utf8')).toBe(before);

  // Corrected, the same fields save.
  await chunk.fill('1280 KiB');
  await folderPath.fill(sitedrop.watchFolder);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Saved. The changes are in effect now.',
  );
  const config = JSON.parse(fs.readFileSync(sitedrop.configPath, 'utf8')) as {
    delivery: { chunkSizeBytes?: number };
  };
  expect(config.delivery.chunkSizeBytes).toBe(4 * 327_680);
});

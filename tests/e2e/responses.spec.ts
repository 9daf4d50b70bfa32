/**
 * Responses come back: a request goes up, head office answers by putting a file into the
 * responses folder in SharePoint (the emulator's PUT /_emulator/files/…), and the window shows it
 * in the dashboard's Responses panel, on the request's page ("Response ready", with where the file
 * is, since a browser cannot open it), under Activity's Responses filter and on its own page. A
 * deletion in SharePoint keeps the local copy, and the page says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './helpers/fixtures.ts';

const answerName = 'REQ-77 answer.pdf';
const answerPath = `Documents/Responses/${encodeURIComponent(answerName)}`;

test('head office answers a request: the panel, the request, the filter and the detail show it', async ({
  page,
  sitedrop,
}) => {
  const responsesFolder = path.join(sitedrop.directory, 'answers');
  await sitedrop.start({
    folder: {
      requests: { enabled: true },
      responses: { enabled: true, localFolder: responsesFolder },
    },
  });
  await sitedrop.open(page, '/');
  sitedrop.drop(
    'REQ-77.json',
    JSON.stringify({
      request_id: 'REQ-77',
      device_id: 'tablet-north-yard-03',
      timestamp: '2026-11-21T09:30:00Z',
      parts: [{ part_number: 'HX-220', quantity: 4 }],
    }),
  );
  await expect.poll(() => sitedrop.delivered('REQ-77.json') !== undefined).toBe(true);

  const put = await sitedrop.emulator.control('PUT', `files/${answerPath}`, 'parts ship Monday');
  expect(put.status).toBe(201);
  const panel = page.getByRole('region', { name: 'Responses' });
  await panel.getByRole('button', { name: 'Check now' }).click();
  const panelRow = panel.getByRole('row', { name: new RegExp(answerName) });
  await expect(panelRow).toContainText('Ready', { timeout: 20_000 });
  await expect(panelRow.getByRole('link', { name: 'REQ-77', exact: true })).toBeVisible();
  const localPath = path.join(responsesFolder, answerName);
  expect(fs.existsSync(localPath)).toBe(true);

  // The request's page: Response ready, and where the file is (a browser cannot open it).
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('link', { name: 'Activity' })
    .click();
  await page.getByRole('article', { name: 'REQ-77.json' }).getByRole('link').first().click();
  const onRequest = page.getByRole('region', { name: 'Response ready' });
  await expect(onRequest).toContainText(answerName);
  await expect(onRequest.getByTestId('response-open-path')).toContainText(localPath);

  // Activity's Responses filter lists it; its page shows both paths.
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('link', { name: 'Activity' })
    .click();
  await page.getByLabel('State').selectOption('responses');
  const listed = page.getByRole('table', { name: 'Responses, newest first' });
  await listed.getByRole('link', { name: answerName }).click();
  await expect(page.getByTestId('response-remote-path')).toHaveText(`Responses/${answerName}`);
  await expect(page.getByTestId('response-local-path')).toHaveText(localPath);
  await expect(page.getByTestId('response-state')).toHaveText('Ready');
});

test('a response deleted in SharePoint keeps its local copy, and its page says so', async ({
  page,
  sitedrop,
}) => {
  const responsesFolder = path.join(sitedrop.directory, 'answers');
  await sitedrop.start({
    folder: { responses: { enabled: true, localFolder: responsesFolder } },
  });
  await sitedrop.open(page, '/');
  const panel = page.getByRole('region', { name: 'Responses' });
  await sitedrop.emulator.control('PUT', `files/${answerPath}`, 'parts ship Monday');
  await panel.getByRole('button', { name: 'Check now' }).click();
  // Unlinked (no request REQ-77 was sent), and still brought and listed.
  const row = panel.getByRole('row', { name: new RegExp(answerName) });
  await expect(row).toContainText('Ready', { timeout: 20_000 });
  await expect(row).toContainText('Not linked to a request');

  expect((await sitedrop.emulator.control('DELETE', `files/${answerPath}`)).status).toBe(204);
  await panel.getByRole('button', { name: 'Check now' }).click();
  const deleted = panel.getByRole('row', { name: new RegExp(answerName) }).filter({
    hasText: 'Deleted in SharePoint',
  });
  await deleted.getByRole('link', { name: answerName }).click();
  const localPath = path.join(responsesFolder, answerName);
  await expect(page.getByTestId('response-kept')).toHaveText(
    `Deleted in SharePoint. The copy on this computer is kept: ${localPath}`,
  );
  expect(fs.readFileSync(localPath, 'utf8')).toContain('parts ship Monday');
});

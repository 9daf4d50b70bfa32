/**
 * Settings in human units: every duration reads like "2 s", "5 min" or "7 days" and every size
 * like "10 MiB"; durations and sizes are typed that way, shown back in one normal form, and
 * stored in the milliseconds and bytes the config keeps. A bad entry says what the field takes
 * and is not saved.
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { scalarFields } from '../../src/renderer/views/settings/form/settings-draft.ts';
import { limitsOfSetting } from '../../src/shared/config-units.ts';
import { describeAllowed } from '../../src/shared/format/setting-entry.ts';
import { expect, test } from './helpers/fixtures.ts';

/** A duration or size as the form writes it: "1 min 30 s", "0.3 s", "10 MiB", "61,120 KiB". */
const inUnits =
  /^(\d+(\.\d+)? (days?|h|min|s))( \d+(\.\d+)? (h|min|s))*$|^[\d,]+(\.\d+)? (TiB|TB|GiB|GB|MiB|MB|KiB|kB|bytes?)$/;

/** The delivery fields that hold a duration or a size, named as the form names them. */
const deliveryUnitFields = scalarFields
  .filter((path) => /(Ms|Bytes)$/.test(path[path.length - 1] ?? ''))
  .map((path) => path.join('.'));

function readConfig(configPath: string): { delivery: { requestTimeoutMs: number } } {
  return JSON.parse(fs.readFileSync(configPath, 'utf8')) as {
    delivery: { requestTimeoutMs: number };
  };
}

/** The text of every duration or size field of the settings page, by field. */
async function unitFieldValues(page: Page): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const field of await page.locator('[data-field$="Ms"], [data-field$="Bytes"]').all()) {
    const name = (await field.getAttribute('data-field')) ?? '';
    values[name] = await field.locator('input').inputValue();
  }
  return values;
}

test('every duration and size in Settings reads in human units, never in ms or bytes', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start({ folder: { polling: { enabled: true } } });
  await sitedrop.open(page, '/settings');
  await expect(page.getByRole('textbox', { name: 'Request timeout' })).toBeVisible();

  const values = await unitFieldValues(page);
  expect(Object.keys(values)).toEqual(
    expect.arrayContaining([
      ...deliveryUnitFields.filter((field) => !field.endsWith('inProcessDelaysMs')),
      'folders[0].stabilityWindowMs',
      'folders[0].polling.intervalMs',
    ]),
  );
  for (const [field, value] of Object.entries(values)) {
    expect(value, field).toMatch(inUnits);
  }
  const quickRetries = page.getByRole('textbox', { name: 'Quick retries' });
  for (const entry of (await quickRetries.inputValue()).split(', ')) {
    expect(entry).toMatch(inUnits);
  }

  // Labels, hints and every other word on the page: no "(ms)", no "2000 ms", no bare byte count.
  const text = await page.locator('main').innerText();
  expect(text).not.toMatch(/\d\s*ms\b|\(ms\)|\(bytes\)/);
  expect(text).not.toMatch(/\b\d{4,}\b(?!\s*(bytes|KiB|MiB|kB|MB))/);
  await expect(page.locator('[data-field="delivery.requestTimeoutMs"]')).toContainText(
    `${capitalised(describeAllowed('duration', limitsOfSetting(['delivery', 'requestTimeoutMs'])))}.`,
  );
});

test('"90 s" typed as a request timeout reads "1 min 30 s", and the config holds 90000 ms', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/settings');
  const timeout = page.getByRole('textbox', { name: 'Request timeout' });
  await timeout.fill('90 s');
  await timeout.blur();
  await expect(timeout).toHaveValue('1 min 30 s');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Saved. The changes are in effect now.',
  );
  expect(readConfig(sitedrop.configPath).delivery.requestTimeoutMs).toBe(90_000);

  await page.reload();
  await expect(page.getByRole('textbox', { name: 'Request timeout' })).toHaveValue('1 min 30 s');
});

test('a bad duration or size says what the field takes, and nothing is saved', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start({ folder: { polling: { enabled: true } } });
  await sitedrop.open(page, '/settings');
  const before = fs.readFileSync(sitedrop.configPath, 'utf8');

  const checkEvery = page
    .getByRole('region', { name: 'Folder Site office' })
    .getByRole('textbox', { name: 'Check every' });
  await checkEvery.fill('5 ms');
  const pollingAllowed = describeAllowed(
    'duration',
    limitsOfSetting(['folders', 0, 'polling', 'intervalMs']),
  );
  await expect(
    page.getByText(`Check every is too short at 5 ms; use ${pollingAllowed}.`),
  ).toBeVisible();
  await expect(checkEvery).toHaveAttribute('aria-invalid', 'true');

  const timeout = page.getByRole('textbox', { name: 'Request timeout' });
  await timeout.fill('soon');
  await timeout.blur();
  await expect(timeout).toHaveValue('soon');
  await expect(
    page.getByText(
      'Request timeout must be a duration such as 90 s, 5 min or 1.5 h; “soon” is not one.',
    ),
  ).toBeVisible();

  const chunk = page.getByRole('textbox', { name: 'Upload chunk size' });
  await chunk.fill('10485760');
  await expect(
    page.getByText(/^Upload chunk size needs a unit, such as 10485760 KiB/),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('save-outcome')).toHaveText(
    'Nothing was saved: correct the fields listed at the top of Settings first.',
  );
  expect(fs.readFileSync(sitedrop.configPath, 'utf8')).toBe(before);
});

function capitalised(phrase: string): string {
  return `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)}`;
}

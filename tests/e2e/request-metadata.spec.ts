/**
 * A request file's metadata reads as a request: labelled fields, the parts as a table, dates in
 * the reader's locale; not the file's keys, arrays and ISO dates.
 */
import { expect, test } from './helpers/fixtures.ts';

test.use({ locale: 'en-GB', timezoneId: 'Europe/London' });

test('a request shows who asked for what, from which device and when, with its parts as a table', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start({ folder: { requests: { enabled: true } } });
  await sitedrop.open(page, '/activity');
  sitedrop.drop(
    'order-42.json',
    JSON.stringify({
      request_id: 'REQ-2026-0042',
      device_id: 'tablet-north-yard-03',
      timestamp: '2026-11-21T09:30:00Z',
      requested_by: 'A. Rivera',
      priority: 'high',
      cost_centre: 'CC-17',
      parts: [{ part_number: 'HX-220', quantity: 4, unit: 'pcs', needed_by: '2026-12-01' }],
      inventory_changes: [{ part_number: 'BLT-M12', location: 'Container 2', change: -10 }],
    }),
  );
  const row = page.getByRole('article', { name: 'order-42.json' });
  await row.getByRole('link', { name: 'order-42.json', exact: true }).click();

  const request = page.getByRole('region', { name: 'Request' });
  const field = (label: string) => request.locator(`dt:text-is("${label}") + dd`);
  await expect(field('Request')).toHaveText('REQ-2026-0042');
  await expect(field('Device')).toHaveText('tablet-north-yard-03');
  await expect(field('Requested by')).toHaveText('A. Rivera');
  await expect(field('Priority')).toHaveText('High');
  await expect(field('Cost centre')).toHaveText('CC-17');
  // In the locale and time zone of the reader, not ISO-8601.
  await expect(field('Sent at')).toHaveText('21 Nov 2026, 09:30:00');

  const parts = request.getByRole('table', { name: 'Parts requested' });
  await expect(parts.getByRole('row').nth(1)).toHaveText(/HX-220.*4 pcs.*1 Dec 2026/);
  const changes = request.getByRole('table', { name: 'Stock changes' });
  await expect(changes.getByRole('row').nth(1)).toHaveText(/BLT-M12.*Container 2.*10 used/);

  // None of the file's own vocabulary is shown.
  await expect(request).not.toContainText('request_id');
  await expect(request).not.toContainText('inventory_changes');
  await expect(request).not.toContainText('2026-11-21T');
  await expect(request).not.toContainText('[{');
});

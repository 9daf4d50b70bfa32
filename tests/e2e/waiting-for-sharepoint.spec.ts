/**
 * When SharePoint asks SiteDrop to hold off (503 with Retry-After) or keeps failing (the breaker
 * opens), the window says "Waiting for SharePoint; next try at HH:MM" with the reason, not
 * "Needs attention" (red is for what a person must do), and offers "Try now" and Microsoft 365
 * service health. Try now sends the waiting files at once.
 */
import { blockingAxeViolations } from './helpers/axe.ts';
import { expect, test } from './helpers/fixtures.ts';

const serviceHealth = 'https://admin.microsoft.com/Adminportal/Home#/servicehealth';

test('a Retry-After reads as waiting for SharePoint with the next try, and Try now sends at once', async ({
  page,
  sitedrop,
}) => {
  // axe runs twice (light and dark) on a page that updates every second.
  test.setTimeout(90_000);
  await sitedrop.start();
  // SharePoint is down and asks to come back in 10 minutes.
  await sitedrop.emulator.addFault({
    method: 'PUT',
    path: '/content',
    status: 503,
    retryAfterSeconds: 600,
  });
  await sitedrop.open(page, '/');
  sitedrop.drop('daily-report.pdf', 'report');

  const health = page.locator('[data-health]');
  await expect(health).toHaveAttribute('data-health', 'waiting');
  await expect(health.getByRole('heading')).toHaveText('Waiting for SharePoint');
  await expect(page.getByText('Needs attention')).toHaveCount(0);
  await expect(page.getByText(/something needs a person/i)).toHaveCount(0);
  const wait = health.getByTestId('sharepoint-wait');
  await expect(wait).toHaveAttribute('data-reason', 'unavailable');
  await expect(wait).toContainText(/Waiting for SharePoint; next try at \d{1,2}:\d{2}/);
  await expect(wait.getByRole('link', { name: 'Microsoft 365 service health' })).toHaveAttribute(
    'href',
    serviceHealth,
  );
  expect(await blockingAxeViolations(page)).toEqual([]);

  // SharePoint is back before its announced time: Try now sends the file without waiting.
  await sitedrop.emulator.clearFaults();
  await wait.getByRole('button', { name: 'Try now' }).click();
  await expect(
    health.getByRole('status').filter({ hasText: 'Trying SharePoint again now' }),
  ).toBeVisible();
  await expect(page.locator('a[data-group="delivered"] .count-number')).toHaveText('1');
  await expect(health).toHaveAttribute('data-health', 'ok');
  expect(sitedrop.delivered('daily-report.pdf')?.toString()).toBe('report');
});

test('an open breaker is an outage to wait out, not a problem for a person, and Try now probes at once', async ({
  page,
  sitedrop,
}) => {
  test.setTimeout(90_000);
  await sitedrop.start({
    delivery: { breaker: { failureThreshold: 2, probeIntervalMs: 600_000 } },
  });
  await sitedrop.emulator.addFault({ method: 'PUT', path: '/content', status: 500 });
  await sitedrop.open(page, '/');
  sitedrop.drop('site-a.pdf', 'a');
  sitedrop.drop('site-b.pdf', 'b');

  const health = page.locator('[data-health]');
  await expect(health).toHaveAttribute('data-health', 'waiting', { timeout: 20_000 });
  const wait = health.getByTestId('sharepoint-wait');
  await expect(wait).toHaveAttribute('data-reason', 'breaker-open');
  await expect(wait).toContainText(/next try at \d{1,2}:\d{2}/);
  await expect(page.getByText('Needs attention')).toHaveCount(0);
  expect(await blockingAxeViolations(page)).toEqual([]);

  await sitedrop.emulator.clearFaults();
  await wait.getByRole('button', { name: 'Try now' }).click();
  await expect(page.locator('a[data-group="delivered"] .count-number')).toHaveText('2', {
    timeout: 20_000,
  });
  await expect(health).toHaveAttribute('data-health', 'ok');
});

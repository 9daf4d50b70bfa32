/**
 * Issue 5, "Done when": an injected failure appears as a readable problem, and Retry delivers
 * it. Also: a passing failure says when SiteDrop tries again ("retry at HH:MM").
 */
import { expect, test } from './helpers/fixtures.ts';

test('a refused upload shows what happened, what happens next and what to do, and Retry delivers it', async ({
  page,
  sitedrop,
}) => {
  // Opens the admin details and retries: more steps than the default time allows on a busy host.
  test.setTimeout(90_000);
  await sitedrop.start();
  // SharePoint refuses the first upload: 403 is permanent, so the item needs a person.
  await sitedrop.emulator.addFault({
    method: 'PUT',
    path: '/content',
    status: 403,
    code: 'accessDenied',
    message: 'Access denied.',
    times: 1,
  });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('permit.pdf', 'permit contents');

  const row = page.getByRole('article', { name: 'permit.pdf' });
  await expect(row.getByText('Failed')).toBeVisible();
  await row.getByRole('link', { name: 'permit.pdf' }).click();

  // Titled with the file's name; its number is for support, under Technical details.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('permit.pdf');
  await expect(page.locator('.item-heading')).not.toContainText(/File \d+/);
  const problem = page.getByRole('region', { name: 'Problem' });
  await expect(problem.getByRole('heading')).toHaveText('Not delivered: needs a person');
  await expect(problem.getByText('What happened')).toBeVisible();
  // One plain sentence by error code; the agent's words (the 403, what to grant) are for the
  // admin, behind a disclosure.
  await expect(problem.locator('dd').first()).toHaveText(
    'SharePoint did not let SiteDrop add files to this library.',
  );
  await expect(problem.locator('dd').first()).not.toContainText(/403|Sites\.Selected|docs\//);
  const forAdmin = problem.getByText('Details for your admin');
  await expect(problem.getByText(/Sites\.Selected/)).toBeHidden();
  await forAdmin.click();
  await expect(problem.getByText(/Sites\.Selected/)).toBeVisible();
  await expect(problem.getByText('graph.forbidden')).toBeVisible();
  await expect(problem).toContainText('SiteDrop will not try again by itself');
  await expect(problem).toContainText('press Retry');
  // The HTTP status too is for support: shown once Technical details is opened.
  const technical = page.getByRole('region', { name: 'Technical details' });
  await expect(page.getByRole('cell', { name: '403', exact: true })).toBeHidden();
  await technical.getByText('Technical details').click();
  await expect(page.getByRole('cell', { name: '403', exact: true })).toBeVisible();
  // The attempts table says what happened in the same plain words; the agent's own message is
  // under Technical details only.
  const attempts = page.getByRole('region', { name: 'Attempts' });
  await expect(attempts.getByRole('row').nth(1)).toContainText('Needs you');
  await expect(attempts.getByRole('row').nth(1)).toContainText(
    'SharePoint did not let SiteDrop add files to this library.',
  );
  await expect(attempts).not.toContainText(/403|Sites\.Selected|docs\/|accessDenied|failed/);
  await expect(technical.getByRole('cell', { name: /Sites\.Selected/ })).toBeVisible();
  await expect(technical.getByRole('definition').first()).toHaveText(/^\d+$/);

  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.locator('.item-heading').getByText('Delivered')).toBeVisible();
  await expect(problem).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Open permit.pdf in SharePoint' })).toBeVisible();
  expect(sitedrop.delivered('permit.pdf')?.toString()).toBe('permit contents');
});

test('a passing failure says SiteDrop will retry by itself, and at what time', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.emulator.addFault({ method: 'PUT', path: '/content', status: 503 });
  await sitedrop.open(page, '/activity');
  sitedrop.drop('schedule.xlsx', 'week 12');

  const row = page.getByRole('article', { name: 'schedule.xlsx' });
  await expect(row.getByText('Will retry')).toBeVisible();
  await expect(row).toContainText(/Will try again at \d{1,2}:\d{2}/);
  await row.getByRole('link', { name: 'schedule.xlsx' }).click();
  const problem = page.getByRole('region', { name: 'Problem' });
  await expect(problem.getByRole('heading')).toHaveText('Waiting to try again');
  await expect(problem).toContainText(
    /SiteDrop will try again at \d{1,2}:\d{2}( [AP]M)?, by itself\./,
  );
  await expect(problem.locator('dd').first()).toHaveText(
    'SharePoint is not available at the moment.',
  );
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  // Its one action: Try now, which sends it at once once SharePoint is back.
  await expect(problem).toHaveAttribute('data-primary-action', 'try-now');
  await sitedrop.emulator.clearFaults();
  await problem.getByRole('button', { name: 'Try now' }).click();
  await expect(page.locator('.item-heading').getByText('Delivered')).toBeVisible();
});

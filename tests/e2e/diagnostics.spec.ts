/**
 * Issue 6: diagnostics can be exported from the window. In the desktop app (its preload's
 * `window.sitedrop`, stood in for here, since the Electron binary cannot be downloaded on this
 * machine) the Dashboard has a button; in a plain browser it names the CLI command instead.
 */
import { expect, test } from './helpers/fixtures.ts';

test('the dashboard exports diagnostics through the desktop app, and names the command in a browser', async ({
  page,
  sitedrop,
}) => {
  await sitedrop.start();
  await sitedrop.open(page, '/');
  const card = page.getByRole('region', { name: 'Diagnostics' });
  await expect(card).toContainText('sitedrop doctor --bundle');
  await expect(card.getByRole('button')).toHaveCount(0);

  // The desktop window: the preload exposes exportDiagnostics, which asks where to save.
  await page.addInitScript(() => {
    const calls: string[] = [];
    Object.assign(globalThis, {
      exportCalls: calls,
      sitedrop: {
        exportDiagnostics: async () => {
          calls.push('exportDiagnostics');
          return { file: '/home/site/Desktop/sitedrop-diagnostics.zip' };
        },
      },
    });
  });
  await page.reload();
  await card.getByRole('button', { name: 'Export diagnostics…' }).click();
  await expect(card.getByRole('status')).toHaveText(
    'Saved to /home/site/Desktop/sitedrop-diagnostics.zip.',
  );
  expect(
    await page.evaluate(() => (globalThis as unknown as { exportCalls: string[] }).exportCalls),
  ).toEqual(['exportDiagnostics']);
  await expect(card).not.toContainText('sitedrop doctor');
});

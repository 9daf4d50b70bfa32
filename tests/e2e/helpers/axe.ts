/**
 * axe-core on the page as it is now, in the light and the dark scheme, with the rules the
 * accessibility suite holds (tests/e2e/accessibility.spec.ts): serious and critical violations,
 * heading-order, and label-content-name-mismatch enabled. For specs that bring the page into a
 * state the suite's screens do not show (waiting for SharePoint, a set-aside file).
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';

const blockingImpacts = new Set(['serious', 'critical']);
const blockingRules = new Set(['heading-order']);
const extraRules = { 'label-content-name-mismatch': { enabled: true } };

/** What blocks in the page's current state, in both schemes (empty: nothing). */
export async function blockingAxeViolations(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).options({ rules: extraRules }).analyze();
    for (const violation of results.violations) {
      if (!blockingImpacts.has(violation.impact ?? '') && !blockingRules.has(violation.id)) {
        continue;
      }
      const targets = violation.nodes.map((node) => node.target.join(' ')).join(' | ');
      found.push(`${colorScheme}: ${violation.id} — ${violation.help}: ${targets}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

/// <reference lib="dom" />
/**
 * What a narrow window (WCAG 1.4.10 Reflow: 320 CSS pixels wide) breaks on the page as it is
 * now: the page scrolls sideways, a button sits outside the viewport, or a table cell is much
 * taller than what it holds. For specs that walk every screen at phone widths.
 */
import type { Page } from '@playwright/test';

/** How much taller than its content a table cell may be, in rem: about a line, not a block. */
const rowSlackRem = 2;

/** What breaks reflow on the page as it is now (empty: nothing). */
export async function reflowProblems(page: Page): Promise<string[]> {
  return page.evaluate((slackRem) => {
    const problems: string[] = [];
    const viewport = document.scrollingElement ?? document.documentElement;
    const viewportWidth = viewport.clientWidth;
    if (viewport.scrollWidth > viewportWidth) {
      problems.push(`the page scrolls sideways: ${viewport.scrollWidth} > ${viewportWidth} px`);
    }
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 40)}"`;
    for (const button of document.querySelectorAll('button, [role="button"]')) {
      const box = button.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.left < 0 || box.right > viewportWidth + 0.5) {
        problems.push(
          `${describe(button)} is outside the viewport: ${Math.round(box.left)}–${Math.round(box.right)} of ${viewportWidth} px`,
        );
      }
    }
    // A cell stretched far beyond its content (a one-line cell in a row that another cell
    // wrapped to many lines) is blank space a person scrolls past.
    const remPx = parseFloat(getComputedStyle(document.documentElement).fontSize);
    for (const cell of document.querySelectorAll('tbody td, tbody th')) {
      const style = getComputedStyle(cell);
      const cellBox = cell.getBoundingClientRect();
      const innerPx =
        cellBox.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      if (innerPx <= 0) continue;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const rects = [...range.getClientRects()].filter((rect) => rect.height > 0);
      const contentPx =
        rects.length === 0
          ? parseFloat(style.lineHeight) || remPx
          : Math.max(...rects.map((rect) => rect.bottom)) -
            Math.min(...rects.map((rect) => rect.top));
      if (innerPx - contentPx > slackRem * remPx) {
        problems.push(
          `${describe(cell)} is ${Math.round(innerPx)} px high for ${Math.round(contentPx)} px of content`,
        );
      }
    }
    return problems;
  }, rowSlackRem);
}

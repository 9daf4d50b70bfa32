/* global document, requestAnimationFrame, MutationObserver -- browser globals: this file runs in the page */
/**
 * Injected into the page before it loads (page.addInitScript) by activity-100k.measure.spec.ts: records
 * Chromium's long tasks and when the activity list first paints a row, and offers
 * `sitedropScrollThrough(total)`, which scrolls the list to its last file as a person would.
 * Plain JavaScript, because it runs in the browser, not in the test's Node process.
 */
globalThis.sitedropLongTasks = [];
globalThis.sitedropFirstRowAt = undefined;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    globalThis.sitedropLongTasks.push({ startTime: entry.startTime, duration: entry.duration });
  }
}).observe({ type: 'longtask', buffered: true });

// The first row with a file in it, at the frame that paints it (ms since navigation).
const firstRowObserver = new MutationObserver(() => {
  if (!document.querySelector('.activity-row article')) return;
  firstRowObserver.disconnect();
  requestAnimationFrame(() => (globalThis.sitedropFirstRowAt = performance.now()));
});
firstRowObserver.observe(document, { childList: true, subtree: true });

/** One screen per frame through the first 2,000 files, then flinging on to the end. */
globalThis.sitedropScrollThrough = async (total) => {
  const scroller = document.querySelector('.activity-scroll');
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const lastPosition = () =>
    Number(document.querySelector('.activity-row:last-child')?.getAttribute('aria-posinset'));
  globalThis.sitedropLongTasks.length = 0;
  const startedAt = performance.now();
  let frames = 0;
  while (lastPosition() < total && performance.now() - startedAt < 90_000) {
    scroller.scrollTop += lastPosition() < 2_000 ? scroller.clientHeight : 20_000;
    await frame();
    frames += 1;
  }
  // Let the last frames and any pending long-task entries land.
  await frame();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    frames,
    lastPosition: lastPosition(),
    durationMs: performance.now() - startedAt,
    longTasks: [...globalThis.sitedropLongTasks],
    rowsInDom: document.querySelectorAll('.activity-row').length,
  };
};

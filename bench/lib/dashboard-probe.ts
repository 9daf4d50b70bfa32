/**
 * The script figure 10 injects into the dashboard before it loads (page.addInitScript): it
 * records Chromium's long tasks (PerformanceObserver 'longtask') and when the activity list
 * first paints a row (the animation frame after the row appears; ms since navigation), and
 * defines `benchScroll(steps)`, which scrolls the list one screen per frame and then in large
 * jumps, as a person reading and then flinging would, collecting long tasks meanwhile.
 */
export const dashboardProbeScript = `
globalThis.benchLongTasks = [];
globalThis.benchFirstRowAt = undefined;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    globalThis.benchLongTasks.push({ startTime: entry.startTime, duration: entry.duration });
  }
}).observe({ type: 'longtask', buffered: true });
const benchRowObserver = new MutationObserver(() => {
  if (!document.querySelector('.activity-row article')) return;
  benchRowObserver.disconnect();
  requestAnimationFrame(() => (globalThis.benchFirstRowAt = performance.now()));
});
benchRowObserver.observe(document, { childList: true, subtree: true });
globalThis.benchScroll = async (screens, jumps) => {
  const scroller = document.querySelector('.activity-scroll');
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const startedAt = performance.now();
  for (let step = 0; step < screens + jumps; step += 1) {
    scroller.scrollTop += step < screens ? scroller.clientHeight : 20000;
    await frame();
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  const tasks = globalThis.benchLongTasks.filter((task) => task.startTime >= startedAt);
  return {
    durationMs: performance.now() - startedAt,
    longTasks: tasks.length,
    longestTaskMs: tasks.reduce((longest, task) => Math.max(longest, task.duration), 0),
    scrollTop: scroller.scrollTop,
  };
};
`;

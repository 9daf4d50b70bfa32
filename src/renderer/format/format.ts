/**
 * How times read on screen, in the viewer's locale and time zone. Sizes and counts read the same
 * in the window and the CLI: src/shared/format/.
 */

// Formatters are made once: `toLocaleString(undefined, options)` builds a new Intl formatter on
// every call (a fraction of a millisecond each), which made every page of the 100,000-item
// activity list a long task (tests/e2e/activity-100k.measure.spec.ts).
const timeToday = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const timeOtherDay = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const fullDateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** `HH:MM` for a time today, else a short date and time. */
export function formatTime(epochMs: number, nowMs: number = Date.now()): string {
  const date = new Date(epochMs);
  const now = new Date(nowMs);
  const isToday =
    date.getFullYear() === now.getFullYear() &&
    date.getMonth() === now.getMonth() &&
    date.getDate() === now.getDate();
  return (isToday ? timeToday : timeOtherDay).format(date);
}

/** A full date and time with seconds, for detail screens. */
export function formatDateTime(epochMs: number): string {
  return fullDateTime.format(epochMs);
}

/** e.g. `in 40 seconds`, `in 3 minutes`, `now`. */
export function formatIn(epochMs: number, nowMs: number = Date.now()): string {
  const seconds = Math.round((epochMs - nowMs) / 1000);
  if (seconds <= 0) return 'now';
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} minutes`;
  return `in ${Math.round(minutes / 60)} hours`;
}

/**
 * How long something still takes, roughly: `less than a minute left`, `about 1 min left`,
 * `about 3 h left`. Rounded, because a time left computed from a rate is an estimate.
 */
export function formatTimeLeft(durationMs: number): string {
  const minutes = Math.round(durationMs / 60_000);
  if (minutes < 1) return 'less than a minute left';
  if (minutes < 90) return `about ${minutes} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}

import { describe, expect, it } from 'vitest';
import { overallHealth } from '../../../src/shared/overall-health.ts';

const calm = { counts: {}, isPaused: false, breaker: 'closed', unavailableFolderCount: 0 } as const;

describe('overallHealth', () => {
  it('puts a person first: a failure outranks a pause, which outranks work in progress', () => {
    expect(overallHealth(calm)).toBe('ok');
    expect(overallHealth({ ...calm, counts: { retrying: 1 } })).toBe('working');
    expect(overallHealth({ ...calm, counts: { queued: 1 }, isPaused: true })).toBe('paused');
    expect(overallHealth({ ...calm, counts: { failed: 1 }, isPaused: true })).toBe('attention');
    expect(overallHealth({ ...calm, breaker: 'half-open' })).toBe('ok');
  });

  it('waits, in amber and not red, while SharePoint fails or asked SiteDrop to hold off', () => {
    expect(overallHealth({ ...calm, breaker: 'open', counts: { retrying: 2 } })).toBe('waiting');
    expect(overallHealth({ ...calm, isThrottled: true, counts: { queued: 1 } })).toBe('waiting');
    // A person's pause and a person's work come first.
    expect(overallHealth({ ...calm, breaker: 'open', isPaused: true })).toBe('paused');
    expect(overallHealth({ ...calm, breaker: 'open', counts: { failed: 1 } })).toBe('attention');
  });

  it('needs a person while files are set aside, since they were never sent', () => {
    expect(overallHealth({ ...calm, counts: { quarantined: 3, delivered: 9 } })).toBe('attention');
  });
});

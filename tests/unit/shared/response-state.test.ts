import { describe, expect, it } from 'vitest';
import {
  allowedResponseTransitions,
  canTransitionResponse,
  responseStates,
  type ResponseState,
} from '../../../src/shared/response-state.ts';

/** Every pair the lifecycle allows; every pair not listed here must be refused. */
const allowed: readonly [ResponseState, ResponseState][] = [
  ['detected', 'downloading'],
  ['detected', 'failed'],
  ['detected', 'skipped'],
  ['downloading', 'downloading'],
  ['downloading', 'verifying'],
  ['downloading', 'failed'],
  ['downloading', 'skipped'],
  ['verifying', 'ready'],
  ['verifying', 'downloading'],
  ['verifying', 'failed'],
  ['verifying', 'skipped'],
  ['failed', 'detected'],
  ['failed', 'skipped'],
];

describe('the response lifecycle', () => {
  const allPairs = responseStates.flatMap((from) =>
    responseStates.map((to) => [from, to] as [ResponseState, ResponseState]),
  );
  const isListed = (from: ResponseState, to: ResponseState) =>
    allowed.some(([a, b]) => a === from && b === to);

  it.each(allPairs)('from %s to %s is allowed exactly when the table lists it', (from, to) => {
    expect(canTransitionResponse(from, to)).toBe(isListed(from, to));
  });

  it('never leaves ready or skipped: a later version of the file is a new response', () => {
    expect(allowedResponseTransitions.ready).toEqual([]);
    expect(allowedResponseTransitions.skipped).toEqual([]);
  });

  it('reaches ready only through verifying', () => {
    const intoReady = responseStates.filter((from) => canTransitionResponse(from, 'ready'));
    expect(intoReady).toEqual(['verifying']);
  });
});

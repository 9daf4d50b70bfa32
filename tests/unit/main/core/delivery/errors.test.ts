import { describe, expect, it } from 'vitest';
import {
  classifyHttpFailure,
  classifyTokenFailure,
  parseRetryAfterMs,
  scrubUrls,
} from '../../../../../src/main/core/delivery/errors.ts';

const now = Date.UTC(2026, 10, 21, 9, 0, 0);

describe('Retry-After parsing', () => {
  it('reads delay-seconds and HTTP dates, never negative', () => {
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 2 ', now)).toBe(2_000);
    expect(parseRetryAfterMs(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfterMs(new Date(now - 5_000).toUTCString(), now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('failure classification', () => {
  const context = { action: 'uploading "a.pdf"' };

  it('tells a busy item (409 resourceModified) and a moved eTag (412) from a name conflict', () => {
    const columns = { action: 'setting the columns of "a.pdf"' };
    expect(classifyHttpFailure(409, 'resourceModified', null, undefined, columns)).toMatchObject({
      kind: 'transient',
      code: 'graph.item-busy',
    });
    expect(classifyHttpFailure(412, 'resourceModified', null, undefined, columns)).toMatchObject({
      kind: 'transient',
      code: 'graph.item-changed',
    });
    expect(classifyHttpFailure(409, 'nameAlreadyExists', null, undefined, context)).toMatchObject({
      kind: 'permanent',
      code: 'graph.conflict',
    });
  });

  it('names the authority when msal-node cannot resolve it', () => {
    const failure = classifyTokenFailure(
      Object.assign(new Error('endpoints_resolution_error'), {
        errorCode: 'endpoints_resolution_error',
      }),
      'https://login.example.com',
    );
    expect(failure).toMatchObject({ kind: 'auth', code: 'auth.authority-unreachable' });
    expect(failure.message).toContain('https://login.example.com');
    expect(failure.message).toContain('sharepoint.authorityHost');
  });

  it('retries throttling and outages, keeping the server wait', () => {
    const throttled = classifyHttpFailure(429, 'activityLimitReached', 'slow down', 5_000, context);
    expect(throttled).toMatchObject({
      kind: 'transient',
      code: 'graph.throttled',
      retryAfterMs: 5_000,
    });
    expect(classifyHttpFailure(503, null, null, undefined, context).kind).toBe('transient');
    expect(classifyHttpFailure(500, 'generalException', null, undefined, context).kind).toBe(
      'transient',
    );
  });

  it('fails permanent errors with a sentence naming the fix and the Graph code', () => {
    const forbidden = classifyHttpFailure(403, 'accessDenied', 'Access denied', undefined, context);
    expect(forbidden).toMatchObject({
      kind: 'permanent',
      code: 'graph.forbidden',
      httpStatus: 403,
    });
    expect(forbidden.message).toContain('Sites.Selected');
    expect(forbidden.message).toContain('403 accessDenied');
    expect(classifyHttpFailure(507, null, null, undefined, context).code).toBe(
      'graph.quota-exceeded',
    );
    expect(classifyHttpFailure(413, null, null, undefined, context).code).toBe('graph.too-large');
    expect(classifyHttpFailure(400, 'invalidPath', 'bad name', undefined, context).code).toBe(
      'graph.name-refused',
    );
    expect(
      classifyHttpFailure(404, 'itemNotFound', null, undefined, { action: 'x', notFound: 'site' }),
    ).toMatchObject({ kind: 'config', code: 'config.site-not-found' });
  });

  it('never repeats an upload URL credential from a server message', () => {
    const failure = classifyHttpFailure(
      400,
      'invalidRequest',
      'bad range for https://host/_upload/abc?tempauth=SECRETSECRET',
      undefined,
      context,
    );
    expect(failure.message).not.toContain('SECRETSECRET');
    expect(scrubUrls('see https://a.b/c?sig=xyz now')).toBe('see https://a.b/c now');
  });

  it('turns AADSTS codes into sentences naming the field to fix', () => {
    const failure = classifyTokenFailure({
      errorCode: 'invalid_client',
      errorMessage: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1',
    });
    expect(failure).toMatchObject({ kind: 'auth', code: 'auth.aadsts-7000215' });
    expect(failure.message).toMatch(/^The client secret was refused/);
    expect(classifyTokenFailure({ errorCode: 'network_error', errorMessage: 'x' }).kind).toBe(
      'transient',
    );
  });
});

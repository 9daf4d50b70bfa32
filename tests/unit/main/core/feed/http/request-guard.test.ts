import { describe, expect, it } from 'vitest';
import {
  checkHostAndOrigin,
  checkToken,
} from '../../../../../../src/main/core/feed/http/request-guard.ts';

const token = 'A'.repeat(43);
const guard = { port: 47_821, allowedOrigins: ['app://sitedrop'] };

describe('the feed request guard', () => {
  it('accepts only this port on a loopback name as Host', () => {
    expect(checkHostAndOrigin({ host: '127.0.0.1:47821' }, guard)).toBeUndefined();
    expect(checkHostAndOrigin({ host: 'LOCALHOST:47821' }, guard)).toBeUndefined();
    for (const host of [
      undefined,
      'evil.example:47821',
      '127.0.0.1:1',
      '127.0.0.1',
      '[::1]:47821',
    ]) {
      expect(checkHostAndOrigin({ host }, guard)?.status, host).toBe(403);
    }
  });

  it('accepts no Origin, the agent’s own, or an allowed shell origin', () => {
    const host = '127.0.0.1:47821';
    for (const origin of [
      undefined,
      'http://127.0.0.1:47821',
      'http://localhost:47821',
      'app://sitedrop',
    ]) {
      expect(checkHostAndOrigin({ host, origin }, guard), origin).toBeUndefined();
    }
    for (const origin of [
      'null',
      'https://127.0.0.1:47821',
      'http://127.0.0.1:80',
      'https://evil.example',
    ]) {
      expect(checkHostAndOrigin({ host, origin }, guard)?.status, origin).toBe(403);
    }
  });

  it('takes the token from Authorization, or from the subprotocol for a WebSocket only', () => {
    expect(checkToken({ authorization: `Bearer ${token}` }, token, false)).toBeUndefined();
    const offered = { 'sec-websocket-protocol': `sitedrop.v1, token.${token}` };
    expect(checkToken(offered, token, true)).toBeUndefined();
    expect(checkToken(offered, token, false)?.status).toBe(401);
    expect(checkToken({ authorization: `Bearer ${token}B` }, token, false)?.message).toContain(
      'wrong',
    );
    expect(checkToken({}, token, false)?.message).toContain('missing');
    expect(checkToken({ authorization: `Bearer ${token}B` }, token, false)?.message).not.toContain(
      token,
    );
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  catalogueCodes,
  catalogueEntry,
  type PrimaryAction,
} from '../../../src/renderer/problems/problem-catalogue.ts';

/**
 * Every error code an item can carry, with the one action its problem offers first. A code the
 * agent starts to write fails the last test until it has a row here.
 */
const actionByCode: Readonly<Record<string, PrimaryAction>> = {
  'auth.aadsts-700016': 'open-settings',
  'auth.aadsts-7000215': 'open-settings',
  'auth.aadsts-7000222': 'open-settings',
  'auth.aadsts-700027': 'open-settings',
  'auth.authority-unreachable': 'try-now',
  'auth.bad-response': 'try-now',
  'auth.no-certificate-key': 'open-settings',
  'auth.no-credential': 'open-settings',
  'auth.no-secret': 'open-settings',
  'auth.no-token': 'sign-in',
  'auth.rejected': 'open-settings',
  'auth.sign-in-failed': 'sign-in',
  'auth.sign-in-required': 'sign-in',
  'auth.sign-in-timeout': 'try-now',
  'auth.site-access-denied': 'open-settings',
  'auth.untrusted-authority': 'open-settings',
  'config.certificate-missing': 'open-settings',
  'config.certificate-unreadable': 'open-settings',
  'config.extra-ca-invalid': 'open-settings',
  'config.extra-ca-unreadable': 'open-settings',
  'config.invalid': 'open-settings',
  'config.library-not-found': 'open-settings',
  'config.locked': 'open-settings',
  'config.not-configured': 'open-settings',
  'config.site-not-found': 'open-settings',
  'config.unknown-column': 'open-settings',
  'connection.paused': 'try-now',
  'graph.bad-request': 'retry',
  'graph.bad-response': 'try-now',
  'graph.conflict': 'open-settings',
  'graph.forbidden': 'retry',
  'graph.foreign-link': 'retry',
  'graph.item-busy': 'try-now',
  'graph.item-changed': 'try-now',
  'graph.locked': 'try-now',
  'graph.name-refused': 'open-settings',
  'graph.not-found': 'open-settings',
  'graph.quota-exceeded': 'retry',
  'graph.server-error': 'try-now',
  'graph.throttled': 'try-now',
  'graph.too-large': 'retry',
  'graph.unavailable': 'try-now',
  'input.invalid-name': 'show-note',
  'input.invalid-request': 'show-note',
  'input.path-too-long': 'show-note',
  'network.failed': 'try-now',
  'network.response-lost': 'try-now',
  'network.timeout': 'try-now',
  'network.untrusted-certificate': 'open-settings',
  'upload.no-session-url': 'try-now',
  'upload.range-not-satisfiable': 'try-now',
  'upload.session-expired': 'try-now',
  'upload.session-unstable': 'try-now',
  'verify.hash-pending': 'try-now',
  'verify.mismatch': 'retry',
};

const primaryActions: readonly PrimaryAction[] = [
  'retry',
  'show-note',
  'open-settings',
  'try-now',
  'sign-in',
];

/** The error codes written in the agent's source, by the prefixes of item errors. */
function codesTheAgentWrites(): Set<string> {
  const root = path.resolve(import.meta.dirname, '../../../src/main/core');
  const codes = new Set<string>();
  for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const pattern = /'((?:graph|verify|input|auth|config|network|upload|connection)\.[a-z0-9-]+)'/g;
    for (const match of text.matchAll(pattern)) codes.add(match[1]!);
  }
  // Not codes: the user config's file name and the feed's connection event.
  codes.delete('config.json');
  codes.delete('connection.changed');
  return codes;
}

describe('the problem catalogue', () => {
  it.each(Object.entries(actionByCode))('offers %s exactly one action: %s', (code, action) => {
    for (const isRetrying of [true, false]) {
      const entry = catalogueEntry(code, isRetrying);
      expect(primaryActions).toContain(entry.action);
      expect(entry.action).toBe(action);
    }
  });

  it('gives an action to every code with a sentence of its own', () => {
    expect(catalogueCodes.filter((code) => !(code in actionByCode))).toEqual([]);
  });

  it('has a row for every code the agent writes', () => {
    const codes = codesTheAgentWrites();
    expect(codes.size).toBeGreaterThan(Object.keys(actionByCode).length / 2);
    expect([...codes].filter((code) => !(code in actionByCode)).sort()).toEqual([]);
  });
});

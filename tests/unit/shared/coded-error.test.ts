import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigLockedError } from '../../../src/main/core/config/index.ts';
import { DataDirLockedError } from '../../../src/main/core/data-dir-lock/index.ts';
import {
  LocalFileChangedError,
  LocalFileGoneError,
} from '../../../src/main/core/delivery/deliver-item.ts';
import { DeliveryError } from '../../../src/main/core/delivery/index.ts';
import { HashPendingError } from '../../../src/main/core/delivery/hash-check.ts';
import type { DriveItem } from '../../../src/main/core/delivery/graph/sharepoint-client.ts';
import { FeedPortInUseError } from '../../../src/main/core/feed/index.ts';
import {
  openDatabaseReadOnly,
  SchemaTooNewError,
  StoreInvariantError,
} from '../../../src/main/core/store/index.ts';
import { ResponseProblem } from '../../../src/main/core/responses/response-problem.ts';
import { CodedError } from '../../../src/shared/coded-error.ts';
import { FeedCommandError } from '../../../src/shared/feed-protocol.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const problem = {
  file: '/etc/sitedrop/policy.json',
  field: 'feed.port',
  message: 'must be a number',
};
const remote = { id: 'item-1', size: 4096 } as DriveItem;

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** Every error class of the agent with one instance of it and the code it must carry. */
const errors: [string, new (...args: never[]) => Error, () => Error, string][] = [
  ['ConfigError', ConfigError, () => new ConfigError([problem]), 'config.invalid'],
  [
    'ConfigLockedError',
    ConfigLockedError,
    () => new ConfigLockedError('feed.port'),
    'config.locked',
  ],
  [
    'DataDirLockedError',
    DataDirLockedError,
    () => new DataDirLockedError('/data', undefined),
    'agent.already-running',
  ],
  [
    'DeliveryError',
    DeliveryError,
    () =>
      new DeliveryError('SharePoint asked to wait.', {
        kind: 'transient',
        code: 'graph.throttled',
      }),
    'graph.throttled',
  ],
  [
    'HashPendingError',
    HashPendingError,
    () => new HashPendingError(remote, 1),
    'verify.hash-pending',
  ],
  [
    'LocalFileGoneError',
    LocalFileGoneError,
    () => new LocalFileGoneError('/srv/a.pdf no longer exists'),
    'local.gone',
  ],
  [
    'LocalFileChangedError',
    LocalFileChangedError,
    () => new LocalFileChangedError('/srv/a.pdf changed', fs.statSync(import.meta.filename)),
    'local.changed',
  ],
  [
    'FeedPortInUseError',
    FeedPortInUseError,
    () => new FeedPortInUseError(47_821, '/data/config.json'),
    'feed.port-in-use',
  ],
  [
    'FeedCommandError',
    FeedCommandError,
    () => new FeedCommandError('item.not-found', 'No item 7.'),
    'item.not-found',
  ],
  [
    'SchemaTooNewError',
    SchemaTooNewError,
    () => new SchemaTooNewError('The database is newer.'),
    'database.schema-too-new',
  ],
  [
    'StoreInvariantError',
    StoreInvariantError,
    () => new StoreInvariantError('Item 7 does not exist'),
    'bug.store-invariant',
  ],
  [
    'ResponseProblem',
    ResponseProblem,
    () => ResponseProblem.tooLarge('answer.pdf', 5_000_000, 1_000_000),
    'response.too-large',
  ],
  [
    'CodedError (no database yet)',
    CodedError,
    () => thrownBy(() => openDatabaseReadOnly(makeTempDir())) as Error,
    'database.missing',
  ],
];

describe('coded errors', () => {
  it.each(errors)(
    '%s is a CodedError with its code, a sentence and its own class',
    (_name, type, make, code) => {
      const error = make();
      expect(error).toBeInstanceOf(CodedError);
      expect(error).toBeInstanceOf(type);
      expect(error).toBeInstanceOf(Error);
      expect((error as CodedError).code).toBe(code);
      expect(error.name).toBe(type.name);
      expect(error.message).not.toBe('');
      expect(error.message).not.toContain(code);
    },
  );

  it('keeps a subclass apart from its base: a HashPendingError is a DeliveryError, not the reverse', () => {
    const pending = new HashPendingError(remote, 1);
    expect(pending).toBeInstanceOf(DeliveryError);
    expect(pending.isTransient).toBe(true);
    expect(
      new DeliveryError('No.', { kind: 'permanent', code: 'graph.denied' }),
    ).not.toBeInstanceOf(HashPendingError);
  });

  it('carries the cause it stands for and the details it was given, and nothing else', () => {
    const cause = new Error('ECONNRESET');
    const error = new CodedError('network.reset', 'The connection to SharePoint dropped.', {
      cause,
      details: { port: 443 },
    });
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ port: 443 });
    expect(new CodedError('x.y', 'A sentence.')).not.toHaveProperty('cause');
    expect(new CodedError('x.y', 'A sentence.').details).toBeUndefined();
    expect(new DeliveryError('Refused.', { kind: 'auth', code: 'auth.refused', cause }).cause).toBe(
      cause,
    );
  });
});

import { describe, expect, it, vi } from 'vitest';
import { createCommandExecutor } from '../../../../../../src/main/core/feed/commands/index.ts';
import type { FeedCommandRunner } from '../../../../../../src/main/core/feed/commands/index.ts';
import { SecretRedactor, type Logger } from '../../../../../../src/main/core/logging/index.ts';
import {
  FeedCommandError,
  ServerMessageSchema,
  type ClientMessage,
} from '../../../../../../src/shared/feed-protocol.ts';

/** An executor whose runner answers every command with what `run` gives. */
function executorWith(run: (message: ClientMessage) => unknown) {
  const redactor = new SecretRedactor();
  redactor.register('s3cret-value');
  const logger = { error: vi.fn() } as unknown as Logger;
  const runner = { run: async (message: ClientMessage) => run(message) } as FeedCommandRunner;
  return { execute: createCommandExecutor({ runner, redactor, logger }), logger };
}

describe('running a command message', () => {
  it('answers a parsed command with its result, echoing the id and the version', async () => {
    const { execute } = executorWith(() => ({ itemIds: [3] }));
    const outcome = await execute({ type: 'retryAllFailed', v: 2, id: 'r1' }, 2);
    expect(outcome).toEqual({
      ok: true,
      message: {
        type: 'result',
        v: 2,
        id: 'r1',
        command: 'retryAllFailed',
        result: { itemIds: [3] },
      },
    });
    if (outcome.ok) expect(ServerMessageSchema.parse(outcome.message)).toEqual(outcome.message);
  });

  it.each([
    ['a message that is not an object', [1, 2], 'protocol.malformed', null],
    [
      'a message of another version',
      { type: 'getStatus', v: 1, id: 'a' },
      'protocol.unsupported-version',
      'a',
    ],
    ['an unknown type', { type: 'dropTables', v: 2, id: 'a' }, 'protocol.unknown-type', 'a'],
    [
      'a command without its parameters',
      { type: 'retryItem', v: 2, id: 'a' },
      'protocol.malformed',
      'a',
    ],
  ])('refuses %s, naming why', async (_what, raw, code, id) => {
    const run = vi.fn();
    const { execute } = executorWith(run);
    const outcome = await execute(raw, 2);
    expect(outcome).toMatchObject({ ok: false, error: { type: 'error', v: 2, id, code } });
    expect(run).not.toHaveBeenCalled();
  });

  it('passes on a refusal with its code and problems, without the secrets it names', async () => {
    const { execute } = executorWith(() => {
      throw new FeedCommandError('settings.invalid', 'bad secret s3cret-value', [
        { field: 'tenantId', message: 'is required' },
      ]);
    });
    const outcome = await execute({ type: 'getSettings', v: 1, id: 'b' }, 1);
    expect(outcome).toMatchObject({
      ok: false,
      error: { id: 'b', code: 'settings.invalid', problems: [{ field: 'tenantId' }] },
    });
    expect(JSON.stringify(outcome)).not.toContain('s3cret-value');
  });

  it('sends no problems field when a refusal has none', async () => {
    const { execute } = executorWith(() => {
      throw new FeedCommandError('item.not-found', 'There is no item #9.');
    });
    const outcome = await execute({ type: 'getItem', v: 1, id: 'c', itemId: 9 }, 1);
    expect(outcome.ok ? undefined : outcome.error).not.toHaveProperty('problems');
  });

  it('answers a bug with "internal" and logs it, telling the client no detail', async () => {
    const { execute, logger } = executorWith(() => {
      throw new Error('undefined is not a function at /home/me/secret/path');
    });
    const outcome = await execute({ type: 'getStatus', v: 1, id: 'd' }, 1);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'internal', id: 'd' } });
    expect(JSON.stringify(outcome)).not.toContain('/home/me');
    expect(logger.error).toHaveBeenCalledOnce();
  });
});

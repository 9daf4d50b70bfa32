import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../../../../src/shared/config-schema.ts';
import { DeliveryError } from '../../../../../../src/main/core/delivery/errors.ts';
import { createDeliveryPolicies } from '../../../../../../src/main/core/delivery/resilience/policies.ts';
import { TestClock } from '../../../../../helpers/test-clock.ts';

const throttled = (retryAfterMs: number) =>
  new DeliveryError('throttled', { kind: 'transient', code: 'graph.throttled', retryAfterMs });

/** Lets promise chains and cockatiel's own 0 ms timers run (the policy's waits are on the TestClock). */
async function settle() {
  for (let index = 0; index < 5; index += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function setup() {
  const clock = new TestClock();
  const policies = createDeliveryPolicies({
    delivery: ConfigSchema.parse({ delivery: { concurrency: 4 } }).delivery,
    clock,
    random: () => 0.5,
    onBreakerChange: () => undefined,
  });
  const sentAt: Record<string, number[]> = {};
  /** A call for one file; its first try is answered with `firstAnswer` when given. */
  const send = (file: string, firstAnswer?: DeliveryError) =>
    policies.execute(
      async () => {
        const tries = (sentAt[file] ??= []);
        tries.push(clock.monotonicNow());
        if (tries.length === 1 && firstAnswer) throw firstAnswer;
        return file;
      },
      { signal: new AbortController().signal, timeout: 'request', action: `uploading ${file}` },
    );
  return { clock, policies, sentAt, send };
}

describe('a Retry-After holds back every worker, not only the one it answered', () => {
  it('sends no other file until a 429 to one file has waited out its Retry-After', async () => {
    const { clock, policies, sentAt, send } = setup();
    const first = send('a.pdf', throttled(5_000));
    await settle();
    expect(policies.throttledForMs).toBe(5_000);
    const second = send('b.pdf');
    await settle();
    clock.advance(4_999);
    await settle();
    expect(sentAt['b.pdf']).toBeUndefined();
    clock.advance(1);
    await settle();
    expect(await Promise.all([first, second])).toEqual(['a.pdf', 'b.pdf']);
    expect(sentAt).toEqual({ 'a.pdf': [0, 5_000], 'b.pdf': [5_000] });
    expect(policies.throttledForMs).toBe(0);
  });

  it('keeps the later end when two answers ask for different waits', async () => {
    const { clock, sentAt, send } = setup();
    const calls = [send('a.pdf', throttled(3_000)), send('b.pdf', throttled(1_000))];
    await settle();
    const third = send('c.pdf');
    clock.advance(2_999);
    await settle();
    expect(sentAt['c.pdf']).toBeUndefined();
    clock.advance(1);
    await settle();
    await Promise.all([...calls, third]);
    expect(sentAt['c.pdf']).toEqual([3_000]);
    expect(sentAt['b.pdf']).toEqual([0, 3_000]);
  });

  it('writes a file back as throttled, without sending it, while a long Retry-After holds', async () => {
    const { clock, policies, sentAt, send } = setup();
    await expect(send('a.pdf', throttled(120_000))).rejects.toMatchObject({
      retryAfterMs: 120_000,
    });
    clock.advance(20_000);
    await expect(send('b.pdf')).rejects.toMatchObject({
      code: 'graph.throttled',
      retryAfterMs: 100_000,
    });
    expect(sentAt['b.pdf']).toBeUndefined();
    expect(policies.throttledForMs).toBe(100_000);
    clock.advance(100_000);
    expect(await send('b.pdf')).toBe('b.pdf');
  });
});

describe('Try now', () => {
  it('ends the Retry-After wait at once: the next call goes without waiting', async () => {
    const { clock, policies, sentAt, send } = setup();
    const first = send('a.pdf', throttled(600_000));
    const refused = expect(first).rejects.toMatchObject({ code: 'graph.throttled' });
    await settle();
    expect(policies.throttledForMs).toBe(600_000);
    expect(policies.throttleReason).toBe('throttled');
    await refused;

    policies.tryNow();
    expect(policies.throttledForMs).toBe(0);
    await expect(send('b.pdf')).resolves.toBe('b.pdf');
    expect(sentAt['b.pdf']).toEqual([clock.monotonicNow()]);
  });
});

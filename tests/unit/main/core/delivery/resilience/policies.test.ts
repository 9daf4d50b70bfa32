import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigSchema } from '../../../../../../src/shared/config-schema.ts';
import { storedDelayMs } from '../../../../../../src/main/core/delivery/index.ts';
import { DeliveryError } from '../../../../../../src/main/core/delivery/errors.ts';
import {
  createDeliveryPolicies,
  type BreakerChange,
} from '../../../../../../src/main/core/delivery/resilience/policies.ts';
import { TestClock } from '../../../../../helpers/test-clock.ts';

const throttled = (retryAfterMs?: number) =>
  new DeliveryError('throttled', {
    kind: 'transient',
    code: 'graph.throttled',
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
const unavailable = () =>
  new DeliveryError('down', { kind: 'transient', code: 'graph.unavailable' });

/** Lets promise chains and cockatiel's own 0 ms timers run (the policy's waits are on the TestClock). */
async function settle() {
  for (let index = 0; index < 5; index += 1) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function setup(delivery: Record<string, unknown> = {}) {
  const config = ConfigSchema.parse({ delivery });
  const clock = new TestClock();
  const changes: BreakerChange[] = [];
  const policies = createDeliveryPolicies({
    delivery: config.delivery,
    clock,
    random: () => 0.5,
    onBreakerChange: (change) => changes.push(change),
  });
  return { config, clock, changes, policies };
}

/** One call through the stack that fails (a 503) or succeeds; failures are swallowed. */
async function call(
  policies: ReturnType<typeof setup>['policies'],
  outcome: string,
): Promise<string | undefined> {
  const result = policies.execute(
    async () => {
      if (outcome === 'fail') throw unavailable();
      return outcome;
    },
    { signal: new AbortController().signal, timeout: 'request', action: 'test' },
  );
  return outcome === 'fail' ? result.catch(() => undefined) : result;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the delivery policy stack', () => {
  it('waits exactly the Retry-After on the Clock before the next try, never less', async () => {
    const { clock, policies } = setup();
    const triedAt: number[] = [];
    const result = policies.execute(
      async () => {
        triedAt.push(clock.monotonicNow());
        if (triedAt.length === 1) throw throttled(7_000);
        return 'ok';
      },
      { signal: new AbortController().signal, timeout: 'request', action: 'test' },
    );
    await settle();
    clock.advance(6_999);
    await settle();
    expect(triedAt).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(await result).toBe('ok');
    expect(triedAt).toEqual([0, 7_000]);
  });

  it('backs off by the configured delays and gives up after them', async () => {
    const { clock, policies } = setup({ retry: { inProcessDelaysMs: [1_000, 2_000] } });
    const triedAt: number[] = [];
    const result = policies.execute(
      async () => {
        triedAt.push(clock.monotonicNow());
        throw unavailable();
      },
      { signal: new AbortController().signal, timeout: 'request', action: 'test' },
    );
    const outcome = result.catch((error: unknown) => error);
    for (let step = 0; step < 40; step += 1) {
      await settle();
      clock.advance(100);
    }
    expect(await outcome).toBeInstanceOf(DeliveryError);
    expect(triedAt).toEqual([0, 1_000, 3_000]);
  });

  it('does not retry in process a Retry-After longer than the in-process limit', async () => {
    const { policies } = setup();
    let tries = 0;
    await expect(
      policies.execute(
        async () => {
          tries += 1;
          throw throttled(300_000);
        },
        { signal: new AbortController().signal, timeout: 'request', action: 'test' },
      ),
    ).rejects.toMatchObject({ retryAfterMs: 300_000 });
    expect(tries).toBe(1);
  });

  it('opens the breaker after the threshold of failures and announces the next probe', async () => {
    const { clock, changes, policies } = setup({
      retry: { inProcessDelaysMs: [] },
      breaker: { failureThreshold: 3, windowMs: 60_000, probeIntervalMs: 30_000 },
    });
    for (let index = 0; index < 3; index += 1) {
      await policies
        .execute(
          async () => {
            throw unavailable();
          },
          { signal: new AbortController().signal, timeout: 'request', action: 'test' },
        )
        .catch(() => undefined);
    }
    expect(policies.breakerState).toBe('open');
    expect(changes[0]).toMatchObject({ breaker: 'open', nextProbeAt: clock.now() + 30_000 });
    await expect(
      policies.execute(async () => 'never called', {
        signal: new AbortController().signal,
        timeout: 'request',
        action: 'test',
      }),
    ).rejects.toHaveProperty('isBrokenCircuitError', true);
  });

  it('opens on a run of failures in a row, but not on the same failures spread among successes', async () => {
    const { policies } = setup({
      retry: { inProcessDelaysMs: [] },
      breaker: { failureThreshold: 3, failureRateThreshold: 0.9, minimumRequests: 100 },
    });
    // Four failures, never three in a row: a success in between ends each run.
    for (const outcome of ['fail', 'fail', 'ok', 'fail', 'fail', 'ok'])
      await call(policies, outcome);
    expect(policies.breakerState).toBe('closed');
    await call(policies, 'fail');
    await call(policies, 'fail');
    await call(policies, 'fail');
    expect(policies.breakerState).toBe('open');
  });

  it('does not count a run whose failures lie further apart than the window', async () => {
    const { clock, policies } = setup({
      retry: { inProcessDelaysMs: [] },
      breaker: { failureThreshold: 3, windowMs: 60_000, minimumRequests: 100 },
    });
    for (let index = 0; index < 6; index += 1) {
      await call(policies, 'fail');
      clock.advance(31_000);
    }
    expect(policies.breakerState).toBe('closed');
  });

  it('opens on a failure rate when failures interleave with successes (no run)', async () => {
    const { changes, policies } = setup({
      retry: { inProcessDelaysMs: [] },
      breaker: { failureThreshold: 5, failureRateThreshold: 0.5, minimumRequests: 10 },
    });
    // ok, fail, ok, fail, …: never two failures in a row, half of all calls failing.
    for (let index = 0; index < 9; index += 1) await call(policies, index % 2 ? 'fail' : 'ok');
    expect(policies.breakerState).toBe('closed'); // 4 of 9: below the minimum of 10 calls
    await call(policies, 'fail'); // 5 of 10 failed
    expect(policies.breakerState).toBe('open');
    expect(changes.map((change) => change.breaker)).toEqual(['open']);
  });

  it('judges the rate only over the window: old successes do not dilute a new outage', async () => {
    const { clock, policies } = setup({
      retry: { inProcessDelaysMs: [] },
      breaker: {
        failureThreshold: 1_000,
        failureRateThreshold: 0.5,
        minimumRequests: 4,
        windowMs: 10_000,
      },
    });
    for (let index = 0; index < 50; index += 1) await call(policies, 'ok');
    clock.advance(10_000);
    for (const outcome of ['fail', 'ok', 'fail', 'fail']) await call(policies, outcome);
    expect(policies.breakerState).toBe('open');
  });

  it('probes after the interval of monotonic time, whatever the wall clock does', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    for (const jumpMs of [-3 * 86_400_000, 3 * 86_400_000]) {
      const { clock, policies } = setup({
        retry: { inProcessDelaysMs: [] },
        breaker: { failureThreshold: 1, probeIntervalMs: 30_000 },
      });
      await call(policies, 'fail');
      expect(policies.breakerState).toBe('open');
      // Someone sets the system clock back (or forward) by three days.
      vi.setSystemTime(Date.now() + jumpMs);
      clock.advance(29_000);
      expect(policies.probeDueInMs).toBe(1_000);
      expect(policies.nextProbeAt).toBe(clock.now() + 1_000);
      await expect(call(policies, 'ok')).rejects.toHaveProperty('isBrokenCircuitError', true);
      clock.advance(1_002);
      expect(await call(policies, 'ok')).toBe('ok');
      expect(policies.breakerState).toBe('closed');
    }
  });

  it('stores retries with a delay growing from the minimum to the maximum', () => {
    const config = ConfigSchema.parse({
      delivery: { retry: { storedDelayMinMs: 60_000, storedDelayMaxMs: 3_600_000 } },
    });
    const middle = () => 0.5;
    expect([1, 2, 3, 7, 20].map((attempts) => storedDelayMs(config, attempts, middle))).toEqual([
      60_000, 120_000, 240_000, 3_600_000, 3_600_000,
    ]);
  });
});

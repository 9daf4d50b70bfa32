import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, type Config } from '../../../../src/shared/config-schema.ts';
import type { Delivery } from '../../../../src/main/core/delivery/index.ts';
import type { Intake } from '../../../../src/main/core/intake/index.ts';
import { startWorkers, type WorkerFactory } from '../../../../src/main/core/workers.ts';

/**
 * The factory is startWorkers' own seam (the composition root passes the real intake and
 * delivery); these stand-ins record which config each start got, which is all this test checks.
 */
function recordingFactory() {
  const started: number[] = [];
  const state = { isBroken: false };
  const factory: WorkerFactory = {
    async startIntake(config) {
      if (state.isBroken) throw new Error('the watched folder cannot be read');
      started.push(config.intake.reconcileIntervalMs);
      return { close: async () => undefined } as unknown as Intake;
    },
    async startDelivery() {
      return { close: async () => undefined } as unknown as Delivery;
    },
  };
  return { factory, started, state };
}

function configWith(reconcileIntervalMs: number): Config {
  return ConfigSchema.parse({ intake: { reconcileIntervalMs } });
}

describe('startWorkers', () => {
  it('applies a later save after a restart whose fallback to the previous settings failed too', async () => {
    const { factory, started, state } = recordingFactory();
    const lines: { msg: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    const workers = await startWorkers(factory, configWith(60_000), logger);

    state.isBroken = true;
    workers.apply(configWith(120_000));
    await workers.whenSettled();
    state.isBroken = false;
    workers.apply(configWith(180_000));
    await workers.whenSettled();

    expect(started).toEqual([60_000, 180_000]);
    expect(lines.map((line) => line.msg)).toEqual([
      'Restarting with the saved settings failed; keeping the previous ones',
      'Intake and delivery could not start again',
      'Intake and delivery restarted with the saved settings',
    ]);
    await workers.close();
  });
});

/**
 * The agent's config-bound workers, intake, delivery and responses, and their restart when
 * settings change.
 *
 * Both read the config once when they start; the composition root restarts them with a saved
 * config so a change takes effect without restarting the agent. Restarts are serialised: a
 * second save waits for the first restart, and close() waits for any restart under way.
 */
import type { Config } from '../../shared/config-schema.ts';
import type { Delivery } from './delivery/index.ts';
import type { Intake } from './intake/index.ts';
import { Sequencer, type Disposable } from './lifecycle/index.ts';
import type { Logger } from './logging/index.ts';
import type { Responses } from './responses/index.ts';

/** How to start intake and delivery for a config. */
export interface WorkerFactory {
  startIntake(config: Config): Promise<Intake>;
  startDelivery(config: Config): Promise<Delivery>;
  /** The return channel, on that delivery's SharePoint connection (none: no responses). */
  startResponses?(config: Config, delivery: Delivery): Responses;
}

/** The running workers; their identity changes when settings are applied. */
export interface Workers extends Disposable {
  readonly intake: Intake;
  readonly delivery: Delivery;
  readonly responses: Responses;
  /** Restarts both with a new config, after any restart under way. */
  apply(config: Config): void;
  /** Resolves when no restart is under way. */
  whenSettled(): Promise<void>;
  close(): Promise<void>;
}

/** The config sections intake and delivery read; a change in any of them restarts both. */
const workerSections = [
  'folders',
  'sharepoint',
  'auth',
  'delivery',
  'intake',
  'responses',
] as const;

/** Whether a config change concerns intake or delivery (not only the log level, say). */
export function workersNeedRestart(previous: Config, next: Config): boolean {
  return workerSections.some(
    (section) => JSON.stringify(previous[section]) !== JSON.stringify(next[section]),
  );
}

/**
 * Starts intake, then delivery, with the initial config.
 *
 * Delivery stops before intake and starts after it, so no item is claimed by a delivery whose
 * folder settings intake no longer has. A restart that fails leaves the failure in the log and
 * the workers stopped only if they could not start again: it then retries with the old config.
 */
export async function startWorkers(
  factory: WorkerFactory,
  initialConfig: Config,
  logger: Logger,
): Promise<Workers> {
  let intake = await factory.startIntake(initialConfig);
  let delivery: Delivery;
  try {
    delivery = await factory.startDelivery(initialConfig);
  } catch (error) {
    await intake.close();
    throw error;
  }
  const startResponses = (config: Config, running: Delivery): Responses =>
    factory.startResponses?.(config, running) ?? noResponses;
  let responses = startResponses(initialConfig, delivery);
  let current = initialConfig;
  const restarts = new Sequencer();
  let isClosed = false;

  const restartWith = async (config: Config) => {
    await responses.close();
    await delivery.close();
    await intake.close();
    intake = await factory.startIntake(config);
    delivery = await factory.startDelivery(config);
    responses = startResponses(config, delivery);
    current = config;
  };

  return {
    get intake() {
      return intake;
    },
    get delivery() {
      return delivery;
    },
    get responses() {
      return responses;
    },
    apply(config) {
      void restarts
        .queue(async () => {
          if (isClosed) return;
          const previous = current;
          try {
            await restartWith(config);
            logger.info('Intake and delivery restarted with the saved settings');
          } catch (error) {
            logger.error(
              { err: error },
              'Restarting with the saved settings failed; keeping the previous ones',
            );
            await restartWith(previous);
          }
        })
        .catch((error: unknown) => {
          // Neither config starts: the failure is in the log, and the next save tries again.
          logger.error({ err: error }, 'Intake and delivery could not start again');
        });
    },
    whenSettled: () => restarts.settled(),
    async close() {
      if (isClosed) return;
      isClosed = true;
      await restarts.settled();
      await responses.close();
      await delivery.close();
      await intake.close();
    },
  };
}

/** The return channel of an agent without one: nothing to check, nothing to close. */
const noResponses: Responses = {
  checkNow: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

import { ConfigError } from '../config/index.ts';

/**
 * The port override from SITEDROP_FEED_PORT, or undefined when it is not set.
 *
 * Lets one run use another port without editing the config; the tests set it to 0 so agents
 * running in parallel never compete for the default port.
 *
 * @throws ConfigError naming the variable when it is not a port number.
 */
export function feedPortFromEnvironment(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.SITEDROP_FEED_PORT;
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65_535) {
    throw new ConfigError([
      {
        file: 'environment',
        field: 'SITEDROP_FEED_PORT',
        message: `must be a port number from 0 to 65535 (got ${JSON.stringify(value)}); 0 picks any free port`,
      },
    ]);
  }
  return port;
}

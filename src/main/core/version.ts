import { createRequire } from 'node:module';

const packageJson = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** SiteDrop's version, from package.json. */
export const sitedropVersion: string = packageJson.version;

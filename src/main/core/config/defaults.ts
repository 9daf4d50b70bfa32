import path from 'node:path';
import type { ConfigInput } from '../../../shared/config-schema.ts';
import { defaultRequestFolder } from './data-dir.ts';

/**
 * The embedded defaults: one request folder, ~/SiteDrop/Requests, kept after upload, whose
 * responses come back into ~/SiteDrop/Responses. Everything else takes the schema's defaults.
 * Without a tenant, files stay safely queued.
 *
 * Responses are on for this folder only: a new install runs with it, while a config that lists
 * its own folders (an existing install) keeps them as they were, responses off, until someone
 * turns them on.
 */
export function builtInDefaults(home?: string): ConfigInput {
  return {
    folders: [
      {
        id: 'requests',
        path: defaultRequestFolder(home),
        label: 'Requests',
        responses: { enabled: true },
      },
    ],
  };
}

/**
 * Whether a watched folder is a default request folder, which the agent creates at start when it
 * is missing: ~/SiteDrop/Requests or a folder of the given defaults layer. A configured folder is
 * never created, since a missing one may be an unplugged drive or an offline share.
 */
export function isDefaultRequestFolder(folderPath: string, defaults: ConfigInput): boolean {
  const defaultPaths = [
    ...(defaults.folders ?? []).map((folder) => folder.path),
    defaultRequestFolder(),
  ];
  return defaultPaths.some((defaultPath) => path.resolve(defaultPath) === path.resolve(folderPath));
}

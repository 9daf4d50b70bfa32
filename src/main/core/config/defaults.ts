import type { ConfigInput } from '../../../shared/config-schema.ts';
import { defaultRequestFolder } from './data-dir.ts';

/**
 * The embedded defaults: one request folder, ~/SiteDrop/Requests, kept after upload. Everything
 * else takes the schema's defaults. Without a tenant, files stay safely queued.
 */
export function builtInDefaults(home?: string): ConfigInput {
  return {
    folders: [{ id: 'requests', path: defaultRequestFolder(home), label: 'Requests' }],
  };
}

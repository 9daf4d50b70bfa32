import type { Config } from '../../../shared/config-schema.ts';
import { defaultResponsesFolder } from '../config/index.ts';
import type { ResponseMapping } from './download-response.ts';

/**
 * The responses mapping of every watched folder that has responses on, with the defaults filled
 * in: the folder's target library, `Responses/<the folder's target path>`, ~/SiteDrop/Responses.
 */
export function resolveResponseMappings(config: Config, home?: string): ResponseMapping[] {
  return config.folders
    .filter((folder) => folder.responses.enabled)
    .map((folder) => ({
      mappingId: folder.id,
      library: folder.responses.library ?? folder.target.library ?? config.sharepoint.library,
      remotePath:
        folder.responses.remotePath ??
        ['Responses', folder.target.folderPath].filter((part) => part !== '').join('/'),
      localFolder: folder.responses.localFolder ?? defaultResponsesFolder(home),
      maxSizeBytes: config.responses.maxSizeBytes,
      alsoBringExisting: folder.responses.alsoBringExisting,
      requestIdColumn: folder.responses.requestIdColumn,
    }));
}

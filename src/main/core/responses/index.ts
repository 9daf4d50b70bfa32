/**
 * Responses: head office's answers, brought back from SharePoint into the site's responses
 * folder (docs/responses.md).
 *
 * Owns: downloading one response (resumable, verified by size and quickXorHash, renamed into place,
 * never over a file a person made or changed), checking remote names before they become local
 * ones, and the sentences of the problems a person must fix.
 * Does not own: the inbox and its lifecycle (the store, src/shared/response-state.ts), the
 * SharePoint requests and their policies (delivery's RemoteFiles, shared with uploads), or
 * showing anything (the feed and the UI).
 */
export { bringResponse, type DownloadParts, type ResponseMapping } from './download-response.ts';
export { resolveResponseMappings } from './mappings.ts';
export { startResponses, type Responses, type ResponsesOptions } from './responses.ts';
export { pollMapping } from './poll-mapping.ts';
export { findRequestIdOf } from './link-request.ts';
export { conflictName, findRemoteNameProblems } from './local-names.ts';
export { partialFolderName } from './partial-file.ts';

import {
  FeedCommandError,
  feedErrorCodes,
  type CommandMessage,
  type CommandResult,
  type ResponseView,
} from '../../../../shared/feed-protocol.ts';
import type { ResponseRecord, Store } from '../../store/index.ts';

type ResponseCommand = 'listResponses' | 'getResponse' | 'checkResponsesNow';

type ResponseHandlers = {
  [C in ResponseCommand]: (
    message: CommandMessage<C>,
  ) => CommandResult<C> | Promise<CommandResult<C>>;
};

const defaultResponseCount = 50;
const responseEventLimit = 500;

/** A response as the feed shows it: an upload session or a partial file's name never is. */
export function toResponseView(response: ResponseRecord): ResponseView {
  return {
    id: response.id,
    mappingId: response.mappingId,
    name: response.name,
    remotePath: response.remotePath,
    localPath: response.localPath,
    state: response.state,
    skipReason: response.skipReason,
    sizeBytes: response.sizeBytes,
    requestId: response.requestId,
    errorCode: response.errorCode,
    errorMessage: response.errorMessage,
    verificationNote: response.verificationNote,
    createdAt: response.createdAt,
    updatedAt: response.updatedAt,
  };
}

/**
 * The handlers of listResponses, getResponse and checkResponsesNow. checkNow is the running
 * return channel's check (undefined: this agent has none, and the command is unavailable).
 */
export function responseCommandHandlers(
  store: Store,
  checkNow: (() => Promise<void>) | undefined,
  require: <T>(operation: T | undefined, what: string) => T,
): ResponseHandlers {
  const newest = (limit = defaultResponseCount) =>
    store.responses.listNewest(limit).map(toResponseView);
  return {
    listResponses: ({ limit }) => ({ responses: newest(limit) }),
    getResponse: ({ responseId }) => {
      const response = store.responses.get(responseId);
      if (!response) {
        throw new FeedCommandError(
          feedErrorCodes.responseNotFound,
          `There is no response #${responseId}; list the responses to see their ids.`,
        );
      }
      return {
        response: toResponseView(response),
        events: store.listResponseEvents(responseId, responseEventLimit),
      };
    },
    checkResponsesNow: async () => {
      await require(checkNow, 'Checking for responses')();
      return { responses: newest() };
    },
  };
}

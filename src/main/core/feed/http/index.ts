/**
 * The feed's HTTP side: the checks every request passes, the API under /api/, and the UI's files.
 *
 * Owns: the Host, Origin and token checks (shared with the WebSocket upgrade), the security
 * headers and the Content Security Policy, mapping API paths to command messages and error codes
 * to HTTP statuses, serving dist/renderer/, and listening on 127.0.0.1. Does not own: what a
 * command does (commands/), or the WebSocket (websocket/).
 */
export {
  hasRequestBody,
  httpApiProtocolVersion,
  httpStatusForError,
  refusalMessage,
  routeApiRequest,
  type ApiRoute,
} from './http-api.ts';
export { FeedPortInUseError, listenOnLoopback } from './listen.ts';
export {
  checkHostAndOrigin,
  checkToken,
  offeredSubprotocols,
  type GuardOptions,
  type Refusal,
} from './request-guard.ts';
export {
  createRequestHandler,
  type RequestHandler,
  type RequestHandlerOptions,
} from './request-handler.ts';
export { serveStaticFile } from './static-files.ts';

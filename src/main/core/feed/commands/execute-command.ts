import {
  ClientMessageSchema,
  commandTypes,
  FeedCommandError,
  feedErrorCodes,
  type ErrorMessage,
  type FeedProblem,
  type FeedProtocolVersion,
  type ResultMessage,
} from '../../../../shared/feed-protocol.ts';
import type { Logger, SecretRedactor } from '../../logging/index.ts';
import type { FeedCommandRunner } from './feed-commands.ts';

/** What a command message led to: the reply to send. */
export type CommandOutcome =
  { ok: true; message: ResultMessage } | { ok: false; error: ErrorMessage };

/** Runs a command message of a connection (or of the HTTP API) that speaks `version`. */
export type ExecuteCommand = (
  raw: unknown,
  version: FeedProtocolVersion,
) => Promise<CommandOutcome>;

/** What executing commands needs. */
export interface CommandExecutorOptions {
  runner: FeedCommandRunner;
  redactor: SecretRedactor;
  logger: Logger;
}

/**
 * The protocol's boundary for commands, shared by the WebSocket and the HTTP API: checks the
 * version and the type, parses the message with the protocol's schema, runs it, and turns a
 * refusal (FeedCommandError) into an `error` reply with its code, and anything else into
 * `internal` (logged; the reply names no detail).
 */
export function createCommandExecutor(options: CommandExecutorOptions): ExecuteCommand {
  const { runner, redactor, logger } = options;
  return async (raw, version) => {
    const id = requestIdOf(raw);
    const fail = (
      code: string,
      message: string,
      problems: readonly FeedProblem[] = [],
    ): CommandOutcome => ({
      ok: false,
      error: {
        ...errorMessage(code, message, version),
        id,
        ...(problems.length > 0 ? { problems: [...problems] } : {}),
      },
    });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      return fail(feedErrorCodes.malformed, 'A message must be one JSON object.');
    }
    const { v, type } = raw as { v?: unknown; type?: unknown };
    if (v !== version) {
      return fail(
        feedErrorCodes.unsupportedVersion,
        `This connection speaks feed protocol version ${version} ("v": ${version}); the message has "v": ${JSON.stringify(v ?? null)}.`,
      );
    }
    if (typeof type !== 'string' || !(commandTypes as string[]).includes(type)) {
      return fail(
        feedErrorCodes.unknownType,
        `Unknown message type ${JSON.stringify(type ?? null)}; the types are ${commandTypes.join(', ')}.`,
      );
    }
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`,
      );
      return fail(
        feedErrorCodes.malformed,
        `The ${type} message is malformed: ${issues.join('; ')}.`,
      );
    }
    try {
      const result = await runner.run(parsed.data);
      return {
        ok: true,
        message: {
          type: 'result',
          v: version,
          id: parsed.data.id,
          command: parsed.data.type,
          result,
        } as ResultMessage,
      };
    } catch (error) {
      if (error instanceof FeedCommandError) {
        return fail(error.code, redactor.redactText(error.message), error.problems);
      }
      logger.error({ err: error, command: type }, 'A feed command failed');
      return fail(
        feedErrorCodes.internal,
        `The agent hit a problem running ${type}; the log file has the details.`,
      );
    }
  };
}

/** An `error` message without a request id, in the protocol version of whoever it answers. */
export function errorMessage(
  code: string,
  message: string,
  version: FeedProtocolVersion,
): ErrorMessage {
  return { type: 'error', v: version, id: null, code, message };
}

function requestIdOf(raw: unknown): string | null {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null;
}

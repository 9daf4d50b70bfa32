/**
 * The one shape of SiteDrop's own errors: a stable `code` that programs, logs and the UI match
 * on, and a `message` that is a sentence for people, naming the file or field and the fix. Pure:
 * no Node, no DOM, so the agent, the shell and the UI share it.
 *
 * Every error class of the agent derives from CodedError, so `error instanceof CodedError` tells
 * SiteDrop's own failures from a library's or a bug's, and each class keeps its own `instanceof`.
 */

/** What a CodedError carries besides its code and message. */
export interface CodedErrorOptions {
  /** The error this one stands for (a library's, the operating system's). */
  cause?: unknown;
  /** Facts for logs and programs (a port, a field); never a token, a secret or an upload URL. */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * An error of SiteDrop's with a stable code: dotted, lower-case words (`config.locked`,
 * `graph.throttled`), except where it mirrors a library's code (`SQLITE_CORRUPT`).
 *
 * Its `name` is its class's, so logs and stack traces say which error it is.
 */
export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: Code, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

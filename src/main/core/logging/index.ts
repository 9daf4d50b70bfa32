/**
 * Logging: structured, rotating, redacted.
 *
 * Owns: the pino logger, its size-capped rotating file in DATA_DIR/logs, readable console
 * output for the headless CLI, and the redaction of secrets from logs and error texts.
 * Does not own: what is logged (each capability decides) or the event log (the store).
 */
export {
  createLogger,
  type AgentLogger,
  type Logger,
  type LoggerOptions,
} from './create-logger.ts';
export { SecretRedactor, secretKeys } from './redact.ts';

// Fault injection: rules that make chosen requests fail, stall, or lose their connection, set
// in process (emulator.faults) or over HTTP (/_emulator/faults). See docs/graph-emulator.md.

import { z } from 'zod';

/** One fault rule. Every field is optional; a rule with no matchers matches every request. */
export interface FaultRule {
  /** HTTP method to match (case-insensitive). */
  method?: string;
  /**
   * Matched against the request path (no query): a string matches when the path contains it
   * (e.g. '/_upload/' for every upload-session URL), a RegExp when it tests true.
   */
  path?: string | RegExp;
  /** Answer with this status instead of handling the request. */
  status?: number;
  /** Graph error code in the body; default derived from the status (429 activityLimitReached…). */
  code?: string;
  /** Error message in the body. */
  message?: string;
  /** Send `Retry-After` with this many seconds (needs `status`). */
  retryAfterSeconds?: number;
  /** Send Retry-After as an HTTP date (now + retryAfterSeconds) instead of seconds. */
  retryAfterHttpDate?: boolean;
  /** How many requests the rule hits before it goes quiet. Default: unlimited. */
  times?: number;
  /** Chance, 0..1, that a matching request is hit. Default 1. */
  probability?: number;
  /** Hold the request this long (ms) before answering (or before handling it normally). */
  delayMs?: number;
  /**
   * Drop the connection: if the request body is longer than this many bytes, the socket is
   * destroyed once that many were read (the request is not processed); otherwise the request is
   * processed and the socket is destroyed halfway through the response body.
   */
  resetAfterBytes?: number;
  /** Expire the upload session this upload-URL request addresses (it then answers 404). */
  expireUploadSession?: boolean;
  /** Answer 401 InvalidAuthenticationToken "expired", and revoke the bearer token presented. */
  expireToken?: boolean;
  /**
   * On a download URL: ignore a satisfiable Range and answer 200 with the whole body, as
   * driveitem-get-content allows ("the Range header may be ignored").
   */
  ignoreRange?: boolean;
  /** On a download URL: answer as to an expired URL (401), whatever its expiry. */
  expireDownloadUrl?: boolean;
  /**
   * On a download URL: send this many bytes of the body, then nothing more while the client
   * stays connected (a connection that hangs mid-download, as a client killed there sees it).
   */
  stallAfterBytes?: number;
  /** On a download URL: send this many bytes of the body, then drop the connection. */
  cutAfterBytes?: number;
  /**
   * On an upload-URL PUT that does not complete the file: acknowledge it (202), then lose its
   * bytes, so nextExpectedRanges lists them as a gap before the next expected range.
   */
  loseFragment?: boolean;
  /**
   * On a delta request: answer 410 Gone (`resyncRequired`) with a `Location` that starts a fresh
   * enumeration, as when the service can no longer serve a token (driveitem-delta.md).
   */
  resyncDelta?: boolean;
  /**
   * On a delta request: report items again ("The same item may appear more than once in a delta
   * feed", driveitem-delta.md): the previous page's items, or on a first page its own twice.
   */
  repeatDeltaItems?: boolean;
}

/** A rule as the controller keeps it. */
export interface FaultRuleState {
  readonly id: string;
  readonly rule: FaultRule;
  /** Requests this rule has hit so far. */
  hits: number;
}

/** The JSON form of a rule (HTTP control API): `pathPattern` carries a RegExp source. */
export const faultRuleJsonSchema = z
  .object({
    method: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    pathPattern: z.string().min(1).optional(),
    status: z.number().int().min(100).max(599).optional(),
    code: z.string().min(1).optional(),
    message: z.string().optional(),
    retryAfterSeconds: z.number().min(0).optional(),
    retryAfterHttpDate: z.boolean().optional(),
    times: z.number().int().min(1).optional(),
    probability: z.number().min(0).max(1).optional(),
    delayMs: z.number().min(0).optional(),
    resetAfterBytes: z.number().int().min(0).optional(),
    expireUploadSession: z.boolean().optional(),
    expireToken: z.boolean().optional(),
    ignoreRange: z.boolean().optional(),
    expireDownloadUrl: z.boolean().optional(),
    stallAfterBytes: z.number().int().min(0).optional(),
    cutAfterBytes: z.number().int().min(0).optional(),
    loseFragment: z.boolean().optional(),
    resyncDelta: z.boolean().optional(),
    repeatDeltaItems: z.boolean().optional(),
  })
  .strict();

/** Turn the JSON form into a FaultRule (throws with a readable message when invalid). */
export function faultRuleFromJson(json: unknown): FaultRule {
  const parsed = faultRuleJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'rule'}: ${issue.message}`)
        .join('; '),
    );
  }
  const { pathPattern, ...rest } = parsed.data;
  const rule: FaultRule = { ...rest };
  if (pathPattern !== undefined) rule.path = new RegExp(pathPattern);
  return rule;
}

/** The JSON form of a rule state, for GET /_emulator/faults. */
export function faultStateToJson(state: FaultRuleState): Record<string, unknown> {
  const { path, ...rest } = state.rule;
  const json: Record<string, unknown> = { id: state.id, hits: state.hits, ...rest };
  if (path instanceof RegExp) json['pathPattern'] = path.source.replaceAll('\\/', '/');
  else if (path !== undefined) json['path'] = path;
  return json;
}

/** Holds the fault rules and decides which one (the first that matches) hits a request. */
export class FaultController {
  readonly #rules: FaultRuleState[] = [];
  #nextId = 1;

  /** Add a rule; returns its id. Throws when the rule is contradictory. */
  add(rule: FaultRule): string {
    if ((rule.retryAfterSeconds !== undefined || rule.code !== undefined) && !rule.status) {
      throw new Error('retryAfterSeconds and code need a status to be sent with');
    }
    if (rule.probability !== undefined && (rule.probability < 0 || rule.probability > 1)) {
      throw new Error('probability must be between 0 and 1');
    }
    const id = `fault-${this.#nextId++}`;
    this.#rules.push({ id, rule: { ...rule }, hits: 0 });
    return id;
  }

  /** Remove a rule; returns whether it existed. */
  remove(id: string): boolean {
    const index = this.#rules.findIndex((state) => state.id === id);
    if (index < 0) return false;
    this.#rules.splice(index, 1);
    return true;
  }

  /** Remove every rule. */
  clear(): void {
    this.#rules.length = 0;
  }

  /** The rules in the order they are tried, with their hit counts. */
  list(): readonly FaultRuleState[] {
    return this.#rules;
  }

  /**
   * The first rule that hits this request, counted as a hit; undefined when none does.
   *
   * Rules whose `times` are used up are skipped; `probability` is rolled per request.
   */
  take(method: string, path: string): FaultRuleState | undefined {
    for (const state of this.#rules) {
      const { rule } = state;
      if (rule.times !== undefined && state.hits >= rule.times) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (typeof rule.path === 'string' && !path.includes(rule.path)) continue;
      if (rule.path instanceof RegExp) {
        rule.path.lastIndex = 0;
        if (!rule.path.test(path)) continue;
      }
      if (rule.probability !== undefined && Math.random() >= rule.probability) continue;
      state.hits += 1;
      return state;
    }
    return undefined;
  }
}

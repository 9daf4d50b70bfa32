// The request log: one record per request the emulator answered (or dropped), so tests and
// harnesses can check what a client did, e.g. that it waited out every Retry-After.

/** One request as the emulator saw it. Secrets (tokens, upload-URL credentials) are never kept. */
export interface RequestRecord {
  /** Sequence number, from 1, in arrival order. */
  readonly sequence: number;
  readonly method: string;
  /** Path without the query string; upload URLs show `/_upload/<session id>`, never the credential. */
  readonly path: string;
  /** Response status; 0 when the socket was destroyed before a response was sent. */
  status: number;
  /** Epoch milliseconds (performance.timeOrigin + performance.now()) when the request arrived. */
  readonly startedAt: number;
  /** Epoch milliseconds when the response finished or the connection was dropped. */
  endedAt: number;
  /** True when the response did not finish (socket reset by a fault rule, or client gone). */
  aborted: boolean;
  readonly userAgent: string | undefined;
  readonly clientRequestId: string | undefined;
  /** The `Range` header the client sent, verbatim (a resumed download asks `bytes=N-`), if any. */
  readonly range?: string;
  /** The Retry-After header sent, verbatim (seconds or HTTP date), if any. */
  retryAfter: string | undefined;
  /** Id of the fault rule that hit this request, if any. */
  faultId: string | undefined;
  /** Resource units charged to the throttle budget, when throttling is on and it charged any. */
  resourceUnits?: number;
}

/** Precise wall-clock milliseconds, comparable across processes on one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Upper bound on kept records; the oldest are dropped beyond it. */
const MAX_RECORDS = 100_000;

/** Append-only log of RequestRecord, with a cap. */
export class RequestLog {
  readonly #records: RequestRecord[] = [];
  #sequence = 0;

  /** The records, oldest first. The array is live: it grows as requests arrive. */
  get records(): readonly RequestRecord[] {
    return this.#records;
  }

  /** Start a record for an arriving request; the caller completes it when the response ends. */
  begin(fields: {
    method: string;
    path: string;
    userAgent: string | undefined;
    clientRequestId: string | undefined;
    range?: string;
    startedAt: number;
  }): RequestRecord {
    this.#sequence += 1;
    const record: RequestRecord = {
      sequence: this.#sequence,
      ...fields,
      status: 0,
      endedAt: 0,
      aborted: false,
      retryAfter: undefined,
      faultId: undefined,
    };
    this.#records.push(record);
    if (this.#records.length > MAX_RECORDS)
      this.#records.splice(0, this.#records.length - MAX_RECORDS);
    return record;
  }

  /** Forget every record (sequence numbers keep counting). */
  clear(): void {
    this.#records.length = 0;
  }
}

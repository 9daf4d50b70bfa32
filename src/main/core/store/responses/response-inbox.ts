import type { Database, Statement } from 'better-sqlite3';
import type { AgentEvent } from '../../../../shared/events.ts';
import {
  canTransitionResponse,
  pendingResponseStates,
  type ResponseSkipReason,
  type ResponseState,
} from '../../../../shared/response-state.ts';
import type { Clock } from '../../lifecycle/index.ts';
import { StoreInvariantError } from '../errors.ts';
import type { EventLog } from '../event-log.ts';
import type { Transactions } from '../transactions.ts';
import {
  isSameVersion,
  responseChangeColumns,
  responseFromRow,
  type RemoteChange,
  type ResponseChanges,
  type ResponseRecord,
} from './response-record.ts';

/** What the inbox needs of the rest of the store. */
export interface ResponseInboxParts {
  clock: Clock;
  transactions: Transactions;
  events: EventLog;
}

/** What a ready response records. */
export interface ReadyResponse {
  localPath: string;
  sizeBytes: number;
  requestId: string | null;
  verificationNote?: string | undefined;
}

/**
 * The responses inbox: every remote file version a responses mapping saw, written before any
 * download, and its lifecycle (src/shared/response-state.ts). Each state change and its event are
 * one transaction; a change the lifecycle forbids is refused as a bug (StoreInvariantError).
 */
export class ResponseInbox {
  readonly #db: Database;
  readonly #parts: ResponseInboxParts;
  readonly #insert: Statement;
  readonly #get: Statement;
  readonly #latestOfItem: Statement;
  readonly #readyOfItem: Statement;
  readonly #pending: Statement;
  readonly #newest: Statement;
  readonly #getDeltaLink: Statement;
  readonly #setDeltaLink: Statement;
  readonly #deleteDeltaLink: Statement;
  readonly #updates = new Map<string, Statement>();
  readonly #deliveredRequestPrefixes: Statement;
  readonly #isDeliveredRequest: Statement;

  constructor(db: Database, parts: ResponseInboxParts) {
    this.#db = db;
    this.#parts = parts;
    this.#insert = db.prepare(`
      INSERT INTO responses (mapping_id, remote_item_id, e_tag, c_tag, name, size_bytes,
        quick_xor_hash, remote_path, remote_modified_at, state, skip_reason, local_path,
        created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#get = db.prepare('SELECT * FROM responses WHERE id = ?');
    this.#latestOfItem = db.prepare(
      'SELECT * FROM responses WHERE mapping_id = ? AND remote_item_id = ? ORDER BY id DESC LIMIT 1',
    );
    this.#readyOfItem = db.prepare(
      `SELECT * FROM responses WHERE mapping_id = ? AND remote_item_id = ? AND state = 'ready'
       ORDER BY id DESC LIMIT 1`,
    );
    const pendingList = pendingResponseStates.map((state) => `'${state}'`).join(', ');
    this.#pending = db.prepare(
      `SELECT * FROM responses WHERE state IN (${pendingList}) ORDER BY id`,
    );
    this.#newest = db.prepare('SELECT * FROM responses ORDER BY id DESC LIMIT ?');
    this.#getDeltaLink = db
      .prepare('SELECT delta_link FROM response_delta_links WHERE mapping_id = ?')
      .pluck();
    this.#setDeltaLink = db.prepare(`
      INSERT INTO response_delta_links (mapping_id, delta_link, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (mapping_id) DO UPDATE SET delta_link = excluded.delta_link,
        updated_at = excluded.updated_at`);
    this.#deleteDeltaLink = db.prepare('DELETE FROM response_delta_links WHERE mapping_id = ?');
    const deliveredRequestIds = `SELECT DISTINCT json_extract(request_json, '$.request_id') AS id
      FROM items WHERE state = 'delivered' AND request_json IS NOT NULL`;
    this.#deliveredRequestPrefixes = db
      .prepare(
        `SELECT id FROM (${deliveredRequestIds}) WHERE typeof(id) = 'text' AND id <> ''
         AND substr(?, 1, length(id)) = id ORDER BY length(id) DESC`,
      )
      .pluck();
    this.#isDeliveredRequest = db
      .prepare(`SELECT 1 FROM (${deliveredRequestIds}) WHERE id = ?`)
      .pluck();
  }

  /**
   * The longest id of a delivered request that `name` begins with, followed by a space, a dot, an
   * underscore or the end (`REQ-77 answer.pdf` → `REQ-77`, never `REQ-7`), or null.
   */
  deliveredRequestIdPrefixOf(name: string): string | null {
    for (const id of this.#deliveredRequestPrefixes.all(name) as string[]) {
      const next = name.charAt(id.length);
      if (next === '' || next === ' ' || next === '.' || next === '_') return id;
    }
    return null;
  }

  /** Whether a request of this id was delivered. */
  isDeliveredRequestId(requestId: string): boolean {
    return this.#isDeliveredRequest.get(requestId) !== undefined;
  }

  /**
   * Applies one page of remote changes in one transaction, and stores `deltaLink` with it when
   * given (the last page's): a crash before the commit leaves the old link, so the same changes
   * come again and apply once.
   *
   * An item repeated in the page counts once, at its last occurrence (Graph's delta: "The same
   * item may appear more than once … You should use the last occurrence you see",
   * https://learn.microsoft.com/graph/api/driveitem-delta). A version the inbox holds
   * already changes nothing; a new version supersedes a pending or failed one; a deletion skips
   * a pending one and is recorded beside a ready one, whose local copy stays.
   *
   * @returns the responses written (detected, or skipped for a deletion), in page order.
   */
  applyDeltaPage(
    mappingId: string,
    changes: readonly RemoteChange[],
    deltaLink?: string,
  ): ResponseRecord[] {
    const lastOccurrence = new Map<string, RemoteChange>();
    for (const change of changes) {
      lastOccurrence.delete(change.remoteItemId);
      lastOccurrence.set(change.remoteItemId, change);
    }
    return this.#parts.transactions.run(() => {
      const written: ResponseRecord[] = [];
      for (const change of lastOccurrence.values()) {
        const response = this.#applyChange(mappingId, change);
        if (response) written.push(response);
      }
      if (deltaLink !== undefined) {
        this.#setDeltaLink.run(mappingId, deltaLink, this.#parts.clock.now());
      }
      return written;
    });
  }

  #applyChange(mappingId: string, change: RemoteChange): ResponseRecord | undefined {
    const latest = this.latestOfRemoteItem(mappingId, change.remoteItemId);
    const isPendingOrFailed =
      latest !== undefined &&
      (pendingResponseStates.includes(latest.state) || latest.state === 'failed');
    if (change.isDeleted) {
      if (!latest || (latest.state === 'skipped' && latest.skipReason === 'deleted')) return;
      if (isPendingOrFailed) return this.markSkipped(latest.id, 'deleted');
      return this.#insertResponse(mappingId, { ...latest, ...definedFields(change) }, 'deleted');
    }
    const isDeletedBefore = latest?.state === 'skipped' && latest.skipReason === 'deleted';
    if (latest && !isDeletedBefore && isSameVersion(change, latest)) return;
    if (latest && isPendingOrFailed) this.markSkipped(latest.id, 'superseded');
    // A new version takes nothing of the old one's but its name, which a change may lack.
    const name = change.name ?? latest?.name;
    return this.#insertResponse(
      mappingId,
      { ...(name !== undefined ? { name } : {}), ...definedFields(change) },
      null,
    );
  }

  /** Inserts a detected response, or (with a skip reason) a deletion of a held one. */
  #insertResponse(
    mappingId: string,
    fields: Partial<ResponseRecord> & { remoteItemId: string },
    deletedReason: 'deleted' | null,
  ): ResponseRecord {
    const now = this.#parts.clock.now();
    const state: ResponseState = deletedReason ? 'skipped' : 'detected';
    const name = fields.name ?? fields.remoteItemId;
    const { lastInsertRowid } = this.#insert.run(
      mappingId,
      fields.remoteItemId,
      fields.eTag ?? null,
      fields.cTag ?? null,
      name,
      fields.sizeBytes ?? null,
      fields.quickXorHash ?? null,
      fields.remotePath ?? null,
      fields.remoteModifiedAt ?? null,
      state,
      deletedReason,
      deletedReason ? (fields.localPath ?? null) : null,
      now,
      now,
    );
    const id = Number(lastInsertRowid);
    const event: AgentEvent = deletedReason
      ? { type: 'response.skipped', data: { responseId: id, reason: deletedReason } }
      : {
          type: 'response.detected',
          data: {
            responseId: id,
            mappingId,
            remoteItemId: fields.remoteItemId,
            name,
            sizeBytes: fields.sizeBytes ?? null,
          },
        };
    this.#parts.events.append(event);
    return this.#mustGet(id);
  }

  /** detected/downloading/verifying → downloading at `offsetBytes` (a start or a resume). */
  startDownloading(id: number, offsetBytes: number, changes: ResponseChanges = {}): ResponseRecord {
    return this.#transition(
      id,
      'downloading',
      { ...changes, downloadOffset: offsetBytes },
      {
        type: 'response.downloading',
        data: { responseId: id, offsetBytes },
      },
    );
  }

  /** downloading → verifying: every byte is in the partial file. */
  markVerifying(id: number, changes: ResponseChanges = {}): ResponseRecord {
    return this.#transition(id, 'verifying', changes, {
      type: 'response.verifying',
      data: { responseId: id },
    });
  }

  /** verifying → ready: the file is in place under its final name. */
  markReady(id: number, ready: ReadyResponse): ResponseRecord {
    const note = ready.verificationNote;
    return this.#transition(
      id,
      'ready',
      {
        localPath: ready.localPath,
        sizeBytes: ready.sizeBytes,
        requestId: ready.requestId,
        verificationNote: note ?? null,
        errorCode: null,
        errorMessage: null,
      },
      {
        type: 'response.ready',
        data: {
          responseId: id,
          localPath: ready.localPath,
          sizeBytes: ready.sizeBytes,
          requestId: ready.requestId,
          ...(note !== undefined ? { verificationNote: note } : {}),
        },
      },
    );
  }

  /** → failed: a person must act; `errorMessage` is a sentence saying what to do. */
  markFailed(id: number, errorCode: string, errorMessage: string): ResponseRecord {
    return this.#transition(
      id,
      'failed',
      { errorCode, errorMessage },
      { type: 'response.failed', data: { responseId: id, errorCode, errorMessage } },
    );
  }

  /** → skipped, for the reason given. */
  markSkipped(id: number, reason: ResponseSkipReason): ResponseRecord {
    return this.#transition(
      id,
      'skipped',
      { skipReason: reason },
      { type: 'response.skipped', data: { responseId: id, reason } },
    );
  }

  /** failed → detected: a person asks for another try (the partial file, if any, is kept). */
  retry(id: number): ResponseRecord {
    const response = this.#mustGet(id);
    return this.#transition(
      id,
      'detected',
      { errorCode: null, errorMessage: null },
      {
        type: 'response.detected',
        data: {
          responseId: id,
          mappingId: response.mappingId,
          remoteItemId: response.remoteItemId,
          name: response.name,
          sizeBytes: response.sizeBytes,
        },
      },
    );
  }

  /** Changes fields without a state change or event (the synced download offset, metadata). */
  update(id: number, changes: ResponseChanges): ResponseRecord {
    return this.#parts.transactions.run(() => {
      this.#write(id, undefined, changes);
      return this.#mustGet(id);
    });
  }

  /** One response, or undefined. */
  get(id: number): ResponseRecord | undefined {
    const row = this.#get.get(id) as Record<string, unknown> | undefined;
    return row ? responseFromRow(row) : undefined;
  }

  /** The newest response of a remote item in a mapping, or undefined. */
  latestOfRemoteItem(mappingId: string, remoteItemId: string): ResponseRecord | undefined {
    const row = this.#latestOfItem.get(mappingId, remoteItemId) as Record<string, unknown>;
    return row ? responseFromRow(row) : undefined;
  }

  /** The newest version of a remote item brought in full, or undefined. */
  readyOfRemoteItem(mappingId: string, remoteItemId: string): ResponseRecord | undefined {
    const row = this.#readyOfItem.get(mappingId, remoteItemId) as Record<string, unknown>;
    return row ? responseFromRow(row) : undefined;
  }

  /** Responses waiting for or in their download, oldest first. */
  listPending(): ResponseRecord[] {
    return (this.#pending.all() as Record<string, unknown>[]).map(responseFromRow);
  }

  /** The newest `limit` responses, newest first. */
  listNewest(limit: number): ResponseRecord[] {
    return (this.#newest.all(limit) as Record<string, unknown>[]).map(responseFromRow);
  }

  /** The mapping's opaque delta link, or undefined before its first complete enumeration. */
  deltaLink(mappingId: string): string | undefined {
    return this.#getDeltaLink.get(mappingId) as string | undefined;
  }

  /** Forgets a mapping's delta link (a 410 resync, or a mapping pointed elsewhere). */
  forgetDeltaLink(mappingId: string): void {
    this.#deleteDeltaLink.run(mappingId);
  }

  #transition(
    id: number,
    to: ResponseState,
    changes: ResponseChanges,
    event: AgentEvent,
  ): ResponseRecord {
    return this.#parts.transactions.run(() => {
      const current = this.#mustGet(id);
      if (!canTransitionResponse(current.state, to)) {
        throw new StoreInvariantError(
          `response ${id} cannot move from ${current.state} to ${to} (src/shared/response-state.ts)`,
        );
      }
      this.#write(id, to, changes);
      this.#parts.events.append(event);
      return this.#mustGet(id);
    });
  }

  #write(id: number, state: ResponseState | undefined, changes: ResponseChanges): void {
    const keys = (Object.keys(changes) as (keyof ResponseChanges)[]).filter(
      (key) => changes[key] !== undefined,
    );
    const key = `${state === undefined ? '' : 'state,'}${keys.join(',')}`;
    let statement = this.#updates.get(key);
    if (!statement) {
      const assignments = [
        ...(state === undefined ? [] : ['state = ?']),
        ...keys.map((field) => `${responseChangeColumns[field]} = ?`),
        'updated_at = ?',
      ];
      statement = this.#db.prepare(`UPDATE responses SET ${assignments.join(', ')} WHERE id = ?`);
      this.#updates.set(key, statement);
    }
    const values = keys.map((field) => changes[field] ?? null);
    const now = this.#parts.clock.now();
    statement.run(...(state === undefined ? [] : [state]), ...values, now, id);
  }

  #mustGet(id: number): ResponseRecord {
    const response = this.get(id);
    if (!response) throw new StoreInvariantError(`response ${id} does not exist`);
    return response;
  }
}

/** The fields of a change that it carries (a deletion carries neither name nor cTag). */
function definedFields(change: RemoteChange): Partial<ResponseRecord> & { remoteItemId: string } {
  const fields: Partial<ResponseRecord> & { remoteItemId: string } = {
    remoteItemId: change.remoteItemId,
  };
  if (change.eTag !== undefined) fields.eTag = change.eTag;
  if (change.cTag !== undefined) fields.cTag = change.cTag;
  if (change.name !== undefined) fields.name = change.name;
  if (change.sizeBytes !== undefined) fields.sizeBytes = change.sizeBytes;
  if (change.quickXorHash !== undefined) fields.quickXorHash = change.quickXorHash;
  if (change.remotePath !== undefined) fields.remotePath = change.remotePath;
  if (change.remoteModifiedAt !== undefined) fields.remoteModifiedAt = change.remoteModifiedAt;
  return fields;
}

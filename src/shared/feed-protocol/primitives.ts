/**
 * The small schemas every part of the feed protocol shares: the version field, ids, times, and
 * the logged event as the protocol carries it. Internal to src/shared/feed-protocol.ts and its
 * parts; the public names are re-exported there.
 */
import { z } from 'zod';
import { LoggedEventSchema as AnyLoggedEventSchema, type LoggedEvent } from '../events.ts';

/** The `v` field: a protocol version this agent speaks. */
export const versionSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);

/** An item's id. */
export const itemIdSchema = z.number().int().positive();

/** An instant, in epoch milliseconds. */
export const epochMsSchema = z.number();

/** A count or a size. */
export const nonNegativeIntSchema = z.number().int().nonnegative();

/** A logged event (src/shared/events.ts), typed as the union of every event type. */
export const LoggedEventSchema = AnyLoggedEventSchema as unknown as z.ZodType<LoggedEvent>;

/** A request id chosen by the client, echoed in the reply: 1 to 64 characters. */
export const RequestIdSchema = z.string().min(1).max(64);

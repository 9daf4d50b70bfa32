/**
 * The feed protocol's view of a response (docs/responses.md): what the UI and scripts see of one
 * file head office put into a mapped SharePoint folder. Re-exported by
 * src/shared/feed-protocol.ts.
 */
import { z } from 'zod';
import { responseSkipReasons, ResponseStateSchema } from '../response-state.ts';
import { epochMsSchema as epochMs, nonNegativeIntSchema as nonNegativeInt } from './primitives.ts';

/** A response's id. */
export const ResponseIdSchema = z.number().int().positive();

/** The most responses one listResponses answer holds. */
export const feedMaxResponsePageSize = 500;

/** One response: its remote and local file, its state, the request it answers. */
export const ResponseViewSchema = z.object({
  id: ResponseIdSchema,
  /** The watched folder whose responses mapping saw the file. */
  mappingId: z.string(),
  /** The remote name, as SharePoint gives it. */
  name: z.string(),
  /** The path in SharePoint under the mapped folder, when known. */
  remotePath: z.string().nullable(),
  /** Where the file is on this computer (ready), or was kept (deleted in SharePoint since). */
  localPath: z.string().nullable(),
  state: ResponseStateSchema,
  skipReason: z.enum(responseSkipReasons).nullable(),
  sizeBytes: nonNegativeInt.nullable(),
  /** The request it answers (its request_id), or null for an unlinked response. */
  requestId: z.string().nullable(),
  errorCode: z.string().nullable(),
  /** A sentence for people: why it needs a person and what to do. */
  errorMessage: z.string().nullable(),
  verificationNote: z.string().nullable(),
  createdAt: epochMs,
  updatedAt: epochMs,
});

/** One response as the feed shows it. */
export type ResponseView = z.infer<typeof ResponseViewSchema>;

/**
 * The JSON request file a site office drops: a parts request or inventory changes from a device.
 *
 * Example (docs/intake.md, "Request files", documents every field):
 * ```json
 * {
 *   "request_id": "REQ-2026-0042",
 *   "device_id": "tablet-north-yard-03",
 *   "timestamp": "2026-11-21T09:30:00+01:00",
 *   "requested_by": "A. Rivera",
 *   "site": "North Yard",
 *   "priority": "high",
 *   "parts": [{ "part_number": "HX-220", "quantity": 4, "unit": "pcs" }],
 *   "inventory_changes": [{ "part_number": "BLT-M12", "location": "Container 2", "change": -10 }]
 * }
 * ```
 * At least one of `parts` and `inventory_changes` must hold an entry. Fields not listed here are
 * kept as they are and travel with the item as metadata (the delivery maps them to columns).
 *
 * Pure TypeScript: the agent validates with it, the UI shows its messages.
 */
import { z } from 'zod';
import { formatFieldPath, valueAt } from './value-paths.ts';

const identifier = (what: string) =>
  z
    .string({ error: `a text ${what}` })
    .trim()
    .max(100, `a ${what} of at most 100 characters`)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
      `a ${what} made of letters, digits and . _ : / - (starting with a letter or digit)`,
    );

const partNumber = z
  .string({ error: 'the part number as text, for example "HX-220"' })
  .trim()
  .min(1, 'a part number that is not empty')
  .max(100, 'a part number of at most 100 characters');

const shortText = (what: string, maxChars: number) =>
  z.string({ error: `${what} as text` }).max(maxChars, `${what} of at most ${maxChars} characters`);

/** One part requested. */
export const RequestedPartSchema = z.looseObject({
  part_number: partNumber,
  description: shortText('a description', 500).optional(),
  quantity: z
    .number({ error: 'the quantity as a number, for example 4' })
    .int('a whole number of 1 or more')
    .min(1, 'a whole number of 1 or more')
    .max(1_000_000, 'a quantity of at most 1,000,000'),
  unit: shortText('a unit such as "pcs" or "m"', 20).optional(),
  needed_by: z.iso
    .date({ error: 'a date in the form YYYY-MM-DD, for example "2026-12-01"' })
    .optional(),
});

/** One change to stock on site: positive when stock arrived, negative when it was used. */
export const InventoryChangeSchema = z.looseObject({
  part_number: partNumber,
  location: shortText('a location', 200).optional(),
  change: z
    .number({ error: 'the change in stock as a number, for example -10 or 25' })
    .int('a whole number (positive for stock added, negative for stock used)')
    .refine((value) => value !== 0, 'a change that is not 0'),
  reason: shortText('a reason', 500).optional(),
});

/** A request file, after validation. Unknown fields are kept (loose objects). */
export const SiteRequestSchema = z
  .looseObject({
    request_id: identifier('request id'),
    device_id: identifier('device id'),
    timestamp: z.iso.datetime({
      offset: true,
      local: false,
      error:
        'a date and time in ISO-8601 form with a time zone, for example "2026-11-21T09:30:00Z" or "2026-11-21T10:30:00+01:00"',
    }),
    requested_by: shortText('the name of who asks', 200).optional(),
    site: shortText('the site name', 200).optional(),
    priority: z
      .enum(['low', 'normal', 'high', 'urgent'], {
        error: 'one of "low", "normal", "high" or "urgent"',
      })
      .optional(),
    notes: shortText('notes', 4_000).optional(),
    parts: z.array(RequestedPartSchema, { error: 'a list of parts: [ { … }, … ]' }).optional(),
    inventory_changes: z
      .array(InventoryChangeSchema, { error: 'a list of inventory changes: [ { … }, … ]' })
      .optional(),
  })
  .superRefine((request, context) => {
    if ((request.parts?.length ?? 0) + (request.inventory_changes?.length ?? 0) === 0) {
      context.addIssue({
        code: 'custom',
        path: ['parts'],
        message:
          'at least one entry in "parts" or in "inventory_changes" (a request must ask for or report something)',
      });
    }
  });

/** A validated site request: its known fields, plus any extra fields it carried. */
export type SiteRequest = z.infer<typeof SiteRequestSchema>;

/** The largest request file accepted: requests are small; a bigger file is not a request. */
export const requestFileMaxBytes = 1024 * 1024;

/** One problem in a request file, in plain words. */
export interface RequestProblem {
  /** Where: a field path such as `parts[0].quantity`, or `(file)` for the whole file. */
  field: string;
  /** What was found, as it appears in the file (or a description). */
  found: string;
  /** What is expected instead. */
  expected: string;
}

/** The outcome of reading a request file. */
export type RequestParseResult =
  { isValid: true; request: SiteRequest } | { isValid: false; problems: RequestProblem[] };

/**
 * Decodes, parses and validates a request file's bytes.
 *
 * Accepts UTF-8 with or without a byte-order mark. Never throws: every problem is returned in
 * plain words, with the field, what was found and what is expected.
 *
 * @param sizeBytes the file's size, when only its first bytes were read (a file over
 *   `requestFileMaxBytes` is refused without reading it whole).
 */
export function parseRequestFile(
  bytes: Uint8Array,
  sizeBytes: number = bytes.length,
): RequestParseResult {
  if (sizeBytes > requestFileMaxBytes) {
    return invalid('(file)', `${sizeBytes} bytes`, 'a request file of at most 1 MiB');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return invalid('(file)', 'bytes that are not UTF-8 text', 'a text file saved as UTF-8');
  }
  if (text.trim() === '') return invalid('(file)', 'an empty file', 'one JSON object { … }');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid(
      '(file)',
      `text that is not valid JSON (${(error as Error).message})`,
      'one JSON object { … } with "quoted" field names, commas between fields and no trailing comma',
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return invalid('(file)', describeValue(value), 'one JSON object { … } at the top level');
  }
  const parsed = SiteRequestSchema.safeParse(value);
  if (parsed.success) return { isValid: true, request: parsed.data };
  return {
    isValid: false,
    problems: parsed.error.issues.map((issue) => {
      const segments = issue.path as (string | number)[];
      const found = valueAt(value, segments);
      return {
        field: formatFieldPath(segments),
        found: found === undefined ? 'nothing (the field is missing)' : describeValue(found),
        expected: issue.message,
      };
    }),
  };
}

function invalid(field: string, found: string, expected: string): RequestParseResult {
  return { isValid: false, problems: [{ field, found, expected }] };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value))
    return `a list of ${value.length} entr${value.length === 1 ? 'y' : 'ies'}`;
  if (typeof value === 'object') return 'an object { … }';
  const shown = JSON.stringify(value);
  return shown.length > 80 ? `${shown.slice(0, 77)}…` : shown;
}

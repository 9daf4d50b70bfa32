import { describe, expect, it } from 'vitest';
import { parseRequestFile, requestFileMaxBytes } from '../../../src/shared/request-schema.ts';

const encode = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

const validRequest = {
  request_id: 'REQ-2026-0042',
  device_id: 'tablet-north-yard-03',
  timestamp: '2026-11-21T09:30:00+01:00',
  parts: [{ part_number: 'HX-220', quantity: 4, unit: 'pcs', needed_by: '2026-12-01' }],
};

describe('request files', () => {
  it('accepts a parts request and keeps fields it does not know as metadata', () => {
    const result = parseRequestFile(encode({ ...validRequest, crew: 'B', priority: 'high' }));
    expect(result).toEqual({
      isValid: true,
      request: { ...validRequest, crew: 'B', priority: 'high' },
    });
  });

  it('accepts inventory changes alone, and a UTF-8 byte-order mark', () => {
    const { parts: _parts, ...withoutParts } = validRequest;
    const request = {
      ...withoutParts,
      inventory_changes: [{ part_number: 'BLT-M12', location: 'Container 2', change: -10 }],
    };
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode(request)]);
    expect(parseRequestFile(bytes)).toEqual({ isValid: true, request });
  });

  it('names each bad field with what it found and what it expects', () => {
    const result = parseRequestFile(
      encode({
        request_id: 'REQ 1',
        timestamp: '21/11/2026',
        parts: [{ part_number: 'HX-220', quantity: 0 }],
      }),
    );
    expect(result.isValid).toBe(false);
    if (result.isValid) return;
    expect(result.problems).toEqual([
      {
        field: 'request_id',
        found: '"REQ 1"',
        expected: expect.stringContaining('letters, digits'),
      },
      {
        field: 'device_id',
        found: 'nothing (the field is missing)',
        expected: 'a text device id',
      },
      {
        field: 'timestamp',
        found: '"21/11/2026"',
        expected: expect.stringContaining('ISO-8601'),
      },
      { field: 'parts[0].quantity', found: '0', expected: 'a whole number of 1 or more' },
    ]);
  });

  it('refuses a request that asks for nothing', () => {
    const result = parseRequestFile(encode({ ...validRequest, parts: [] }));
    expect(result).toMatchObject({
      isValid: false,
      problems: [{ field: 'parts', expected: expect.stringContaining('at least one entry') }],
    });
  });

  it.each([
    ['{"request_id": "R1",}', 'not valid JSON'],
    ['', 'an empty file'],
    ['[1, 2]', 'a list of 2 entries'],
  ])('explains a file that is not a JSON object: %j', (text, found) => {
    const result = parseRequestFile(encode(text));
    expect(result).toMatchObject({
      isValid: false,
      problems: [{ field: '(file)', found: expect.stringContaining(found) }],
    });
  });

  it('refuses bytes that are not UTF-8 and files over 1 MiB', () => {
    expect(parseRequestFile(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({
      isValid: false,
      problems: [{ found: 'bytes that are not UTF-8 text' }],
    });
    expect(parseRequestFile(new Uint8Array(requestFileMaxBytes + 1))).toMatchObject({
      isValid: false,
      problems: [{ expected: 'a request file of at most 1 MiB' }],
    });
  });
});

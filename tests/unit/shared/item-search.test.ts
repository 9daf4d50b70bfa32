import { describe, expect, it } from 'vitest';
import { matchesItemSearch, type SearchableItem } from '../../../src/shared/item-search.ts';

const pdf: SearchableItem = { path: 'Site A/Plans/Floor-2.pdf', request: null };
const request: SearchableItem = {
  path: 'requests/order.request.json',
  request: {
    request_id: 'RQ-2041',
    requested_by: 'Jeanne Dupré',
    device: { name: 'Tablet 7' },
    parts: [{ code: 'BOLT_M8', quantity: 120 }],
    is_urgent: true,
  },
};

describe('matchesItemSearch', () => {
  it.each([
    ['an empty search finds every item', pdf, '', true],
    ['part of the name', pdf, 'floor-2', true],
    ['part of a folder in the path', pdf, 'plans/', true],
    ['the name in other case', pdf, 'FLOOR', true],
    ['a name that is not there', pdf, 'roof', false],
    ['the request id', request, 'RQ-2041', true],
    ['the request id in lower case', request, 'rq-2041', true],
    ['part of the request id', request, '2041', true],
    ['a requester with an accent, in other case', request, 'DUPRÉ', true],
    ['a text nested in an object', request, 'tablet 7', true],
    ['a text nested in a list', request, 'bolt_m8', true],
    ['a number in the request', request, '120', true],
    ['a key of the request is not matched', request, 'request_id', false],
    ['a boolean is not matched as text', request, 'true', false],
    ['a file without a request is not matched by request text', pdf, 'RQ-2041', false],
    ['% is literal, not a wildcard', pdf, '%', false],
    ['_ is literal, not a wildcard', { path: 'a_b.pdf', request: null }, '_', true],
    ['_ does not stand for any character', { path: 'ab.pdf', request: null }, 'a_b', false],
    ['a backslash is literal', { path: 'a\\b.pdf', request: null }, 'a\\b', true],
    ['JSON punctuation of the request is not matched', request, '":"', false],
  ])('%s', (_name, item, search, expected) => {
    expect(matchesItemSearch(item, search)).toBe(expected);
  });
});

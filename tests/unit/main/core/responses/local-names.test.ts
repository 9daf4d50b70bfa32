import { describe, expect, it } from 'vitest';
import {
  conflictName,
  findRemoteNameProblems,
} from '../../../../../src/main/core/responses/index.ts';

describe('remote names', () => {
  it.each([
    ['REQ-77 answer.pdf', []],
    ['Preisliste 2026 (final).xlsx', []],
    ['..', ['is not a file name (empty, "." or "..")']],
    ['.', ['is not a file name (empty, "." or "..")']],
    ['', ['is not a file name (empty, "." or "..")']],
  ])('%j has the problems %j', (name, problems) => {
    expect(findRemoteNameProblems(name)).toEqual(problems);
  });

  it.each([
    ['../../etc/passwd', /contains "\/"/],
    ['..\\windows\\win.ini', /contains "\\"/],
    ['NUL.txt', /reserved device name/],
    ['lpt1', /reserved device name/],
    ['a\u0000b.pdf', /control character/],
    ['trailing.', /ends with a dot/],
    [`${'é'.repeat(200)}.pdf`, /longer than 255 bytes/],
    [`${'x'.repeat(256)}`, /characters long/],
  ])('refuses %j', (name, reason) => {
    expect(findRemoteNameProblems(name).join('; ')).toMatch(reason);
  });

  it.each([
    ['answer.pdf', 2, 'answer (from SharePoint 2).pdf'],
    ['answer.pdf', 3, 'answer (from SharePoint 3).pdf'],
    ['README', 2, 'README (from SharePoint 2)'],
    ['archive.tar.gz', 2, 'archive.tar (from SharePoint 2).gz'],
    ['.env', 2, '.env (from SharePoint 2)'],
  ])('names copy %s of %j %j', (name, copyNumber, expected) => {
    expect(conflictName(name, copyNumber)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import {
  findNameProblems,
  findPathLengthProblem,
  toSharePointName,
  toSharePointPath,
  withCollisionMark,
} from '../../../src/shared/sharepoint-names.ts';

describe('SharePoint names', () => {
  it.each([
    ['report.pdf'],
    ['Lieferschein Nr. 12 (Kopie).xlsx'],
    ['console.log'],
    ['COM10.txt'],
    ['~report.docx'],
    ['日本語のファイル.pdf'],
  ])('accepts %s', (name) => {
    expect(findNameProblems(name)).toEqual([]);
    expect(toSharePointName(name)).toBe(name);
  });

  it.each([
    ['a"b*c:d<e>f?g\\h|i.txt', 'a_b_c_d_e_f_g_h_i.txt', '"\\""'],
    [' leading.txt', '_leading.txt', 'starts or ends with a space'],
    ['trailing.txt  ', 'trailing.txt__', 'starts or ends with a space'],
    ['ends with dots..', 'ends with dots__', 'ends with a dot'],
    ['CON', 'CON_', 'reserved device name'],
    ['con.txt', 'con_.txt', 'reserved device name'],
    ['LPT1.backup.zip', 'LPT1_.backup.zip', 'reserved device name'],
    ['COM0', 'COM0_', 'reserved device name'],
    ['.lock', '_.lock', 'reserves'],
    ['desktop.ini', '_desktop.ini', 'reserves'],
    ['~$budget.xlsx', '~_budget.xlsx', '~$'],
    ['my_vti_file.txt', 'my-vti-file.txt', '_vti_'],
    ['tab\there.txt', 'tab_here.txt', 'U+0009'],
  ])('maps the refused name %j to %j and says why', (name, expected, reason) => {
    const problems = findNameProblems(name);
    expect(problems.join('; ')).toContain(reason.replaceAll('"\\""', '"\\"'));
    expect(toSharePointName(name)).toBe(expected);
    expect(findNameProblems(expected)).toEqual([]);
  });

  it('refuses "forms" only as a folder at the library root', () => {
    expect(toSharePointPath('forms/a.pdf', true).safeRelativePath).toBe('forms_/a.pdf');
    expect(toSharePointPath('forms/a.pdf', false).safeRelativePath).toBe('forms/a.pdf');
    expect(toSharePointPath('forms', true).safeRelativePath).toBe('forms');
  });

  it('shortens a name over 255 characters, keeping its extension and a stable mark', () => {
    const long = `${'x'.repeat(300)}.pdf`;
    const safe = toSharePointName(long);
    expect(safe).toHaveLength(255);
    expect(safe).toMatch(/^x+~[0-9a-f]{8}\.pdf$/);
    expect(toSharePointName(long)).toBe(safe);
    expect(toSharePointName(`${'x'.repeat(299)}y.pdf`)).not.toBe(safe);
  });

  it('maps each name of a path and lists what it changed', () => {
    const mapped = toSharePointPath('site: north/CON/a?.txt', false);
    expect(mapped.safeRelativePath).toBe('site_ north/CON_/a_.txt');
    expect(mapped.isRenamed).toBe(true);
    expect(mapped.problems.map((problem) => problem.name)).toEqual([
      'site: north',
      'CON',
      'a?.txt',
    ]);
  });

  it('marks a renamed name that collides with a sibling, the same way every time', () => {
    const marked = withCollisionMark('a_b.txt', 'a?b.txt');
    expect(marked).toMatch(/^a_b~[0-9a-f]{8}\.txt$/);
    expect(withCollisionMark('a_b.txt', 'a?b.txt')).toBe(marked);
    expect(withCollisionMark('a_b.txt', 'a:b.txt')).not.toBe(marked);
  });

  it('refuses a whole path over 400 characters', () => {
    expect(findPathLengthProblem(`Documents/${'a/'.repeat(193)}.pdf`)).toBeUndefined();
    expect(findPathLengthProblem(`Documents/${'a/'.repeat(193)}b.pdf`)).toContain(
      'would be 401 characters long; SharePoint allows at most 400',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { FolderConfigSchema } from '../../../../../src/shared/config-schema.ts';
import { createPathRules } from '../../../../../src/main/core/intake/path-rules.ts';

const folder = (overrides: Record<string, unknown> = {}) =>
  FolderConfigSchema.parse({ id: 'requests', path: '/srv/requests', ...overrides });

describe('path rules', () => {
  it.each([
    '~$report.docx',
    '~WRL0001.tmp',
    'scan.TMP',
    'video.mp4.crdownload',
    'photo.jpg.part',
    'data.partial',
    'setup.exe.download',
    '.hidden',
    'site/.git/config',
    'desktop.ini',
    'site/Thumbs.db',
    '.DS_Store',
    '_quarantine/bad.json',
    'Sent/2026-11-21/report.pdf',
  ])('ignores %s out of the box', (relativePath) => {
    expect(createPathRules(folder()).isIgnored(relativePath, true)).toBe(true);
  });

  it.each(['report.docx', 'site/scan.pdf', 'tmp/scan.pdf', 'Sent-items.pdf', 'site/Sent/x.pdf'])(
    'takes %s',
    (relativePath) => {
      expect(createPathRules(folder()).isIgnored(relativePath, true)).toBe(false);
    },
  );

  it('matches include and exclude globs by name or by path, without regard to case', () => {
    const rules = createPathRules(
      folder({ include: ['*.pdf', 'orders/**'], exclude: ['drafts', '**/old/*'] }),
    );
    expect(rules.isIgnored('site/scan.PDF', true)).toBe(false);
    expect(rules.isIgnored('site/scan.docx', true)).toBe(true);
    expect(rules.isIgnored('orders/list.csv', true)).toBe(false);
    expect(rules.isIgnored('drafts', false)).toBe(true);
    expect(rules.isIgnored('site/drafts/scan.pdf', true)).toBe(true);
    expect(rules.isIgnored('site/old/scan.pdf', true)).toBe(true);
    // Include globs never hide folders (their files may match).
    expect(rules.isIgnored('site', false)).toBe(false);
    expect(rules.isIgnored('site', undefined)).toBe(false);
  });

  it('reads request files only in request folders, by their patterns', () => {
    expect(createPathRules(folder()).isRequestFile('a.request.json')).toBe(false);
    const rules = createPathRules(
      folder({ requests: { enabled: true, patterns: ['*.request.json'] } }),
    );
    expect(rules.isRequestFile('site/a.request.json')).toBe(true);
    expect(rules.isRequestFile('site/a.json')).toBe(false);
  });

  it('ignores the folder’s own quarantine and archive folders, wherever configured', () => {
    const rules = createPathRules(
      folder({ quarantineFolder: 'Bad Input', afterUpload: { archiveFolder: 'Done/Archive' } }),
    );
    expect(rules.isIgnored('bad input/x.json', true)).toBe(true);
    expect(rules.isIgnored('Done/Archive/2026-11-21/x.pdf', true)).toBe(true);
    expect(rules.isIgnored('Done/other.pdf', true)).toBe(false);
  });
});

// electron is mocked because the Electron binary cannot be downloaded on this machine (and
// electron-updater with it, which would load electron).
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fake-electron.ts')).fakeElectron);
vi.mock('electron-updater', () => ({ default: { autoUpdater: {} } }));

const { updateRefusal } = await import('../../src/main/electron/auto-update.ts');

const signedFeed =
  'provider: generic\nurl: https://updates.contoso.com/sitedrop\npublisherName:\n  - Contoso Ltd\n';

describe('auto-update accepts only verifiable updates', () => {
  it('runs on a signed Windows build with an HTTPS feed, and on macOS', () => {
    expect(updateRefusal(signedFeed, 'win32')).toBeUndefined();
    expect(
      updateRefusal('provider: generic\nurl: https://updates.contoso.com/\n', 'darwin'),
    ).toBeUndefined();
  });

  it('stays off when no feed was configured at build time', () => {
    expect(updateRefusal(undefined, 'win32')).toContain('no update feed');
  });

  it('refuses a feed that is not HTTPS', () => {
    expect(updateRefusal(signedFeed.replace('https://', 'http://'), 'win32')).toContain(
      'not HTTPS',
    );
  });

  it('refuses on an unsigned Windows build, whose publisher cannot be checked', () => {
    expect(updateRefusal('provider: generic\nurl: https://u.example/\n', 'win32')).toContain(
      'not code-signed',
    );
  });

  it('leaves Linux updates to package management (no signature check exists there)', () => {
    expect(updateRefusal(signedFeed, 'linux')).toContain('package management');
  });
});

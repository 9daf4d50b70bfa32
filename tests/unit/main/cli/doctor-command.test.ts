import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../../../src/main/cli/doctor-command.ts';
import { makeTempDir } from '../../../helpers/temp-dir.ts';

function doctorIn(dataDir: string) {
  return runDoctor({ dataDir, policyPath: path.join(dataDir, 'no-policy.json') });
}

describe('sitedrop doctor', () => {
  it.runIf(process.platform !== 'win32')(
    "fails when the desktop app's secret file is readable by other users, and says how to fix it",
    () => {
      const dataDir = makeTempDir();
      fs.chmodSync(dataDir, 0o700);
      const file = path.join(dataDir, 'secrets.safe.json');
      fs.writeFileSync(file, '{"auth.clientSecret":"c2VhbGVk"}', { mode: 0o644 });
      fs.chmodSync(file, 0o644);
      expect(doctorIn(dataDir).find((check) => check.name === 'desktop secrets')).toEqual({
        name: 'desktop secrets',
        status: 'fail',
        detail: `${file} is readable by other users (mode 644); fix: chmod 600 "${file}"`,
      });

      fs.chmodSync(file, 0o600);
      expect(doctorIn(dataDir).find((check) => check.name === 'desktop secrets')).toMatchObject({
        status: 'ok',
        detail: `${file} (owner only)`,
      });
    },
  );

  it('reports no desktop secrets when none are stored', () => {
    const dataDir = makeTempDir();
    expect(doctorIn(dataDir).find((check) => check.name === 'desktop secrets')).toEqual({
      name: 'desktop secrets',
      status: 'ok',
      detail: 'none stored',
    });
  });
});

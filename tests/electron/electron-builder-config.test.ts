// No electron import here, so nothing to mock: this checks electron-builder.yml, which
// `npm run dist` reads, against electron-builder's own JSON schema, because the Electron
// binary (and so a real build) cannot be downloaded on this machine.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { overallHealthStates } from '../../src/shared/overall-health.ts';

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const schemaPath = require.resolve('app-builder-lib/scheme.json');
const configText = fs.readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8');

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as object);
}

const config = yaml.load(configText) as Record<string, unknown> & {
  nsis: Record<string, unknown>;
  msi: Record<string, unknown>;
  mac: Record<string, unknown>;
  win: Record<string, unknown>;
  linux: Record<string, unknown>;
  electronFuses: Record<string, unknown>;
};

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema (app-builder-lib/scheme.json)", () => {
    const validate = validator();
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('fails validation on a typo, so a mistake fails npm test rather than a release', () => {
    const validate = validator();
    const misspelt = { ...config, nsis: { ...config.nsis, perMachien: true } };
    expect(validate(misspelt)).toBe(false);
    expect(validate.errors?.some((error) => error.keyword === 'additionalProperties')).toBe(true);
    expect(validate({ ...config, asarUnpack: 42 })).toBe(false);
  });

  it('builds the installers IT asked for', () => {
    expect(config).toMatchObject({ appId: 'com.sitedrop.agent', productName: 'SiteDrop' });
    expect(config.win.target).toEqual(['nsis', 'msi']);
    expect(config.nsis).toMatchObject({ oneClick: false, allowElevation: true });
    expect(config.msi).toMatchObject({ perMachine: true });
    expect(config.mac).toMatchObject({
      target: ['dmg', 'zip'],
      hardenedRuntime: true,
      entitlements: 'build/entitlements.mac.plist',
    });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    for (const file of [config.mac.entitlements, config.icon]) {
      expect(fs.existsSync(new URL(`../../${String(file)}`, import.meta.url)), String(file)).toBe(
        true,
      );
    }
  });

  it('unpacks the native SQLite binary from the asar and does not rebuild it', () => {
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**/*.node');
    expect(config.npmRebuild).toBe(false);
  });

  it('sets the fuses of a hardened build', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeCliInspectArguments: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });

  it('accepts updates only from the signing publisher, and keeps no secret in the file', () => {
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
    expect(config.publish).toBeUndefined(); // the organisation's, given at build time
    expect(configText).not.toMatch(/password:|cscKeyPassword|appleIdPassword/i);
  });

  it('ships the tray icons for every health and the compiled shell', () => {
    for (const health of overallHealthStates) {
      expect(fs.existsSync(new URL(`../../assets/tray/tray-${health}.png`, import.meta.url))).toBe(
        true,
      );
    }
    const packageJson = JSON.parse(
      fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { main: string };
    expect(packageJson.main).toBe('dist/main/electron/main.js');
    expect(config.files).toEqual(expect.arrayContaining(['dist/main/**/*', 'assets/**/*']));
  });

  it('builds the window UI before packaging and ships it', async () => {
    const packageJson = JSON.parse(
      fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { scripts: Record<string, string> };
    // `npm run dist` and `npm run electron` build the renderer first: without it the window
    // would show the "UI not built" page.
    for (const script of ['dist', 'electron']) {
      const steps = packageJson.scripts[script]?.split('&&').map((step) => step.trim()) ?? [];
      expect(steps, script).toContain('npm run build:ui');
      expect(steps.indexOf('npm run build:ui'), script).toBeLessThan(steps.length - 1);
    }
    expect(packageJson.scripts['build:ui']).toBe('vite build');
    // Where Vite writes the UI is inside what electron-builder packs.
    const viteConfig = (await import('../../vite.config.ts')).default as {
      build: { outDir: string };
    };
    const outDir = path.relative(repoRoot, viteConfig.build.outDir).split(path.sep).join('/');
    expect(outDir).toBe('dist/renderer');
    const files = config.files as string[];
    const isPacked = (file: string) =>
      files.some((glob) => !glob.startsWith('!') && picomatch(glob, { dot: true })(file)) &&
      !files.some((glob) => glob.startsWith('!') && picomatch(glob.slice(1))(file));
    expect(isPacked(`${outDir}/index.html`)).toBe(true);
    expect(isPacked(`${outDir}/assets/index-1a2b3c.js`)).toBe(true);
    expect(isPacked(`${outDir}/assets/index-1a2b3c.js.map`)).toBe(false);
  });
});

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const packageDirectory = path.dirname(require.resolve('better-sqlite3/package.json'));

/** The native modules this process has loaded, as the OS reports them (process.report). */
function loadedNativeModules(): string[] {
  const report = process.report.getReport() as { sharedObjects?: string[] };
  return (report.sharedObjects ?? []).filter((file) => file.endsWith('.node'));
}

// better-sqlite3 ships N-API prebuilds inside its package; the same file loads in Node and in
// Electron. `npm ci` must not compile it (package.json's allowScripts denies the node-gyp
// rebuild npm synthesises for a package with a binding.gyp), so a machine without a compiler
// installs SiteDrop.
describe('the SQLite binding', () => {
  it('is the prebuilt binary shipped in the package, not one compiled at install', () => {
    const database = new BetterSqlite3(':memory:');
    try {
      expect(database.prepare('select 1 as one').get()).toEqual({ one: 1 });
    } finally {
      database.close();
    }
    const loaded = loadedNativeModules().filter((file) =>
      file.startsWith(packageDirectory + path.sep),
    );
    expect(loaded).toHaveLength(1);
    const [binary] = loaded as [string];
    expect(path.dirname(binary)).toBe(path.join(packageDirectory, 'prebuilds'));
    expect(path.basename(binary)).toMatch(
      new RegExp(`^(linuxmusl|${process.platform})-${process.arch}\\.node$`),
    );
  });

  it('is an N-API module, the kind Electron loads without a rebuild', () => {
    const [binary] = loadedNativeModules().filter((file) => file.startsWith(packageDirectory));
    expect(binary).toBeDefined();
    // Node-API addons register through this exported symbol; version-specific (NAN) addons
    // export node_register_module_v<ABI> instead (Node's src/node.h, NODE_MODULE_INITIALIZER).
    const bytes = fs.readFileSync(binary as string);
    expect(bytes.includes('napi_register_module_v1')).toBe(true);
    expect(/node_register_module_v\d+/.test(bytes.toString('latin1'))).toBe(false);
  });

  it('was not built by node-gyp during npm ci (no build directory)', () => {
    expect(fs.existsSync(path.join(packageDirectory, 'build'))).toBe(false);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { isTenantConfigured, type Config, type ConfigInput } from '../../shared/config-schema.ts';
import {
  builtInDefaults,
  defaultPolicyPath,
  isDefaultRequestFolder,
  loadConfig,
  userConfigPath,
} from '../core/config/index.ts';
import { writeDiagnosticsBundle, type DiagnosticsBundle } from '../core/diagnostics/index.ts';
import {
  desktopSecretsFileName,
  FileSecretStore,
  headlessSecretsFileName,
} from '../core/secrets/index.ts';
import {
  databaseFileName,
  latestSchemaVersion,
  openDatabaseReadOnly,
} from '../core/store/index.ts';

/** The outcome of one check: ok, a warning (works, but look), or a failure. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

/** Options of `sitedrop doctor`. */
export interface DoctorOptions {
  dataDir: string;
  configPath?: string;
  policyPath?: string;
}

/**
 * Checks config, data-directory permissions, database integrity, secrets, logs and the watched
 * folders; one line per check. The command exits non-zero when any check failed.
 */
export function runDoctor(options: DoctorOptions): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const defaults = builtInDefaults();
  const config = checkConfig(options, defaults, checks);
  checks.push(checkDataDir(options.dataDir));
  checks.push(checkDatabase(options.dataDir));
  checks.push(checkOwnerOnlyFile('secrets', path.join(options.dataDir, headlessSecretsFileName)));
  // The desktop app's secrets are encrypted by the OS, but the file stays owner-only too.
  checks.push(
    checkOwnerOnlyFile('desktop secrets', path.join(options.dataDir, desktopSecretsFileName)),
  );
  checks.push(checkOwnerOnlyFile('feed token', path.join(options.dataDir, 'feed-token')));
  checks.push(checkLogs(options.dataDir));
  if (config) {
    for (const folder of config.folders) {
      checks.push(
        isDefaultRequestFolder(folder.path, defaults)
          ? checkFolderCreatedAtStart(folder.id, folder.path)
          : checkFolder(folder.id, folder.path),
      );
    }
    checks.push(
      isTenantConfigured(config)
        ? { name: 'sharepoint', status: 'ok', detail: `target ${config.sharepoint.siteUrl}` }
        : {
            name: 'sharepoint',
            status: 'warn',
            detail:
              'no tenant configured: files are kept queued. Set sharepoint.siteUrl, auth.tenantId ' +
              'and auth.clientId (docs/configuration.md).',
          },
    );
  }
  return checks;
}

/**
 * Writes `sitedrop doctor --bundle FILE`: the logs, the redacted config layers, these checks
 * and the versions in one zip (src/main/core/diagnostics), for a support request.
 */
export function writeDoctorBundle(
  options: DoctorOptions,
  checks: readonly DoctorCheck[],
  outputFile: string,
): Promise<DiagnosticsBundle> {
  return writeDiagnosticsBundle({
    dataDir: options.dataDir,
    outputFile,
    configPath: options.configPath ?? userConfigPath(options.dataDir),
    policyPath: options.policyPath ?? defaultPolicyPath(),
    reports: [{ name: 'doctor.txt', text: `${formatDoctor(checks)}\n` }],
    secretStore: new FileSecretStore(options.dataDir),
    createdAt: Date.now(),
  });
}

/** Formats checks as one line each. */
export function formatDoctor(checks: readonly DoctorCheck[]): string {
  const label = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  return checks
    .map((check) => `[${label[check.status]}] ${check.name.padEnd(16)} ${check.detail}`)
    .join('\n');
}

function checkConfig(
  options: DoctorOptions,
  defaults: ConfigInput,
  checks: DoctorCheck[],
): Config | undefined {
  const configPath = options.configPath ?? userConfigPath(options.dataDir);
  const policyPath = options.policyPath ?? defaultPolicyPath();
  try {
    const loaded = loadConfig({
      defaults,
      userConfigPath: configPath,
      policyPath,
    });
    const files = loaded.sources.slice(1);
    checks.push({
      name: 'config',
      status: 'ok',
      detail: files.length > 0 ? `valid (${files.join(', ')})` : 'valid (built-in defaults only)',
    });
    return loaded.config;
  } catch (error) {
    checks.push({ name: 'config', status: 'fail', detail: (error as Error).message });
    return undefined;
  }
}

function checkDataDir(dataDir: string): DoctorCheck {
  const name = 'data directory';
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dataDir);
  } catch {
    return { name, status: 'warn', detail: `${dataDir} does not exist yet; the agent creates it` };
  }
  const probe = path.join(dataDir, `.doctor-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (error) {
    return {
      name,
      status: 'fail',
      detail: `${dataDir} is not writable (${(error as Error).message})`,
    };
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    return {
      name,
      status: 'fail',
      detail: `${dataDir} is open to other users (mode ${(stat.mode & 0o777).toString(8)}); fix: chmod 700 "${dataDir}"`,
    };
  }
  return { name, status: 'ok', detail: `${dataDir} (writable, owner only)` };
}

function checkDatabase(dataDir: string): DoctorCheck {
  const name = 'database';
  if (!fs.existsSync(path.join(dataDir, databaseFileName))) {
    return { name, status: 'ok', detail: 'not created yet (the agent creates it at start)' };
  }
  try {
    const db = openDatabaseReadOnly(dataDir);
    try {
      const result = db.pragma('integrity_check', { simple: true });
      const version = db.pragma('user_version', { simple: true }) as number;
      if (result !== 'ok') {
        return {
          name,
          status: 'fail',
          detail: `integrity check failed (${String(result)}); the agent moves it aside and rebuilds at next start`,
        };
      }
      if (version > latestSchemaVersion) {
        return {
          name,
          status: 'fail',
          detail: `schema version ${version} is newer than this SiteDrop knows (${latestSchemaVersion}); install the newer version`,
        };
      }
      return { name, status: 'ok', detail: `integrity ok, schema version ${version}` };
    } finally {
      db.close();
    }
  } catch (error) {
    return {
      name,
      status: 'fail',
      detail: `cannot be read (${(error as Error).message}); the agent moves a corrupt database aside and rebuilds at next start`,
    };
  }
}

function checkOwnerOnlyFile(name: string, file: string): DoctorCheck {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return { name, status: 'ok', detail: 'none stored' };
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    return {
      name,
      status: 'fail',
      detail: `${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); fix: chmod 600 "${file}"`,
    };
  }
  return { name, status: 'ok', detail: `${file} (owner only)` };
}

function checkLogs(dataDir: string): DoctorCheck {
  const logDir = path.join(dataDir, 'logs');
  if (!fs.existsSync(logDir)) return { name: 'logs', status: 'ok', detail: 'none yet' };
  try {
    fs.accessSync(logDir, fs.constants.W_OK);
    return { name: 'logs', status: 'ok', detail: `${logDir} (writable)` };
  } catch {
    return { name: 'logs', status: 'fail', detail: `${logDir} is not writable` };
  }
}

function checkFolder(folderId: string, folderPath: string): DoctorCheck {
  const name = `folder ${folderId}`;
  try {
    if (!fs.statSync(folderPath).isDirectory()) {
      return { name, status: 'fail', detail: `${folderPath} is not a folder` };
    }
    fs.accessSync(folderPath, fs.constants.R_OK);
    return { name, status: 'ok', detail: `${folderPath} (readable)` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      name,
      status: 'fail',
      detail:
        code === 'ENOENT'
          ? `${folderPath} does not exist (unplugged drive or offline share?); create it or fix the path`
          : `${folderPath} cannot be read (${code ?? (error as Error).message})`,
    };
  }
}

/**
 * A default request folder: the agent creates it at start, so a missing one is fine as long as
 * its nearest existing ancestor is a folder this user may create folders in.
 */
function checkFolderCreatedAtStart(folderId: string, folderPath: string): DoctorCheck {
  if (fs.existsSync(folderPath)) return checkFolder(folderId, folderPath);
  const name = `folder ${folderId}`;
  const cannot = `${folderPath} cannot be created at start`;
  const ancestor = nearestExistingAncestor(folderPath);
  if (!ancestor) {
    return { name, status: 'fail', detail: `${cannot}: none of its parent folders can be read` };
  }
  if (!fs.statSync(ancestor).isDirectory()) {
    return {
      name,
      status: 'fail',
      detail: `${cannot}: ${ancestor} is a file, not a folder; fix: move that file away, or set the folder's path to another folder`,
    };
  }
  try {
    // mkdir needs both: write to add the entry, search to reach it.
    fs.accessSync(ancestor, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      name,
      status: 'fail',
      detail: `${cannot}: ${ancestor} is not writable (${code}); fix: create ${folderPath} yourself, or make ${ancestor} writable`,
    };
  }
  return {
    name,
    status: 'ok',
    detail: `${folderPath} does not exist yet; it will be created at start`,
  };
}

/** The closest of a path's ancestors that exists (a folder or not), or undefined if none can be seen. */
function nearestExistingAncestor(target: string): string | undefined {
  let candidate = path.dirname(path.resolve(target));
  for (;;) {
    try {
      fs.statSync(candidate);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR means a file sits higher up: keep climbing until it is found.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
    }
    const parent = path.dirname(candidate);
    if (parent === candidate) return undefined;
    candidate = parent;
  }
}

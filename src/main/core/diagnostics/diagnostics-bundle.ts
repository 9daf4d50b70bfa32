import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { ZipFile } from 'yazl';
import { SecretRedactor } from '../logging/index.ts';
import { secretNames, type SecretStore } from '../platform.ts';
import { sitedropVersion } from '../version.ts';

/** What goes into a bundle and where it is written. */
export interface DiagnosticsBundleOptions {
  dataDir: string;
  /** The zip to write; replaced if it exists. */
  outputFile: string;
  /** The user config file (default DATA_DIR/config.json is the caller's to resolve). */
  configPath: string;
  /** The managed policy file. */
  policyPath: string;
  /** Extra text reports, e.g. `{ name: 'doctor.txt', text }`; redacted like everything else. */
  reports?: readonly { name: string; text: string }[];
  /** Where the running agent keeps secrets: their values are scrubbed from every entry. */
  secretStore?: SecretStore;
  /** Further values that must never appear (e.g. the running feed's token). */
  knownSecrets?: readonly string[];
  /** The bundle's timestamp, epoch milliseconds. */
  createdAt: number;
}

/** A written bundle. */
export interface DiagnosticsBundle {
  file: string;
  /** The names of the entries, in order. */
  entries: string[];
}

/** Files that hold secrets and never go into a bundle, whatever they contain. */
const secretFileNames = ['secrets.json', 'feed-token'];

/**
 * Writes a zip with the logs, the config layers (secret keys dropped, every string redacted),
 * the given reports and the versions, for a person to attach to a support request.
 *
 * Every text passes through a SecretRedactor that knows the values of the data directory's
 * secrets file, its feed token, the secret store's secrets and the SITEDROP_* secret variables,
 * on top of its patterns for bearer tokens, JWTs, private keys and secret query parameters.
 * The database is not included (it holds upload-session URLs, which are bearer capabilities).
 * The file is written to a temporary name and renamed, with mode 0600.
 */
export async function writeDiagnosticsBundle(
  options: DiagnosticsBundleOptions,
): Promise<DiagnosticsBundle> {
  const redactor = await buildRedactor(options);
  const entries: { name: string; text: string }[] = [];

  const logDir = path.join(options.dataDir, 'logs');
  for (const name of listFiles(logDir)) {
    entries.push({
      name: `logs/${name}`,
      text: redactor.redactText(fs.readFileSync(path.join(logDir, name), 'utf8')),
    });
  }
  entries.push(configEntry('config/user-config.json', options.configPath, redactor));
  entries.push(configEntry('config/policy.json', options.policyPath, redactor));
  for (const report of options.reports ?? []) {
    entries.push({ name: report.name, text: redactor.redactText(report.text) });
  }
  entries.push({
    name: 'versions.json',
    text: JSON.stringify(
      {
        sitedrop: sitedropVersion,
        node: process.versions.node,
        electron: process.versions.electron ?? null,
        platform: process.platform,
        arch: process.arch,
        osRelease: os.release(),
        createdAt: new Date(options.createdAt).toISOString(),
      },
      null,
      2,
    ),
  });
  entries.push({ name: 'README.txt', text: readme(options) });

  const zip = new ZipFile();
  const mtime = new Date(options.createdAt);
  for (const entry of entries) {
    zip.addBuffer(Buffer.from(entry.text, 'utf8'), entry.name, { mtime, mode: 0o100600 });
  }
  zip.end();
  const outputFile = path.resolve(options.outputFile);
  const temporary = `${outputFile}.${process.pid}.tmp`;
  const output = fs.createWriteStream(temporary, { mode: 0o600 });
  try {
    zip.outputStream.pipe(output);
    await once(output, 'close');
    fs.renameSync(temporary, outputFile);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  return { file: outputFile, entries: entries.map((entry) => entry.name) };
}

async function buildRedactor(options: DiagnosticsBundleOptions): Promise<SecretRedactor> {
  const redactor = new SecretRedactor();
  const secretsFile = readOptional(path.join(options.dataDir, 'secrets.json'));
  if (secretsFile !== undefined) {
    try {
      for (const value of Object.values(JSON.parse(secretsFile) as Record<string, unknown>)) {
        if (typeof value === 'string') registerWithLines(redactor, value);
      }
    } catch {
      // An unreadable secrets file is never copied; its raw text is still scrubbed below.
      registerWithLines(redactor, secretsFile);
    }
  }
  redactor.register(readOptional(path.join(options.dataDir, 'feed-token'))?.trim());
  for (const variable of ['SITEDROP_CLIENT_SECRET', 'SITEDROP_CERTIFICATE_KEY']) {
    registerWithLines(redactor, process.env[variable]);
  }
  if (options.secretStore) {
    for (const name of Object.values(secretNames)) {
      registerWithLines(redactor, await options.secretStore.get(name));
    }
  }
  for (const value of options.knownSecrets ?? []) registerWithLines(redactor, value);
  return redactor;
}

/** Registers a secret and, for multi-line secrets (PEM keys), each of its long lines. */
function registerWithLines(redactor: SecretRedactor, value: string | undefined): void {
  if (!value) return;
  redactor.register(value);
  for (const line of value.split(/\r?\n/)) {
    if (line.trim().length >= 16) redactor.register(line.trim());
  }
}

function configEntry(
  name: string,
  file: string,
  redactor: SecretRedactor,
): { name: string; text: string } {
  const text = readOptional(file);
  if (text === undefined) return { name, text: `// ${file} does not exist\n` };
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    // Not JSON: the raw text, redacted, is what a supporter needs to see the syntax error.
    return { name, text: `// ${file} (not valid JSON)\n${redactor.redactText(text)}` };
  }
  return {
    name,
    text: `${JSON.stringify({ file, values: redactor.redactValue(values) }, null, 2)}\n`,
  };
}

function listFiles(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !secretFileNames.includes(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function readOptional(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readme(options: DiagnosticsBundleOptions): string {
  return [
    `SiteDrop diagnostics bundle, ${new Date(options.createdAt).toISOString()}`,
    '',
    `Data directory: ${options.dataDir}`,
    'logs/      the agent log files (rotated), every line redacted',
    'config/    the user config and the managed policy file, secret fields removed',
    'versions.json, and any reports (doctor.txt: the output of `sitedrop doctor`)',
    '',
    'Not included: secrets.json, the feed token, the database (upload-session URLs).',
    'Known secret values, bearer tokens, JWTs and private keys were replaced by [redacted].',
    '',
  ].join('\n');
}

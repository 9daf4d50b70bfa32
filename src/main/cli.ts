/**
 * The headless entry: `sitedrop agent | demo | status | retry | doctor | emulator`.
 *
 * The interfaces here are a contract for scripts, tests and IT tooling; docs/cli.md documents
 * every flag. Keep them stable; add freely.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from './core/config/index.ts';
import { DataDirLockedError } from './core/data-dir-lock/index.ts';
import { sitedropVersion } from './core/version.ts';
import { runAgentCommand } from './cli/agent-command.ts';
import { runUntilSignal } from './cli/run-until-signal.ts';
import { runDemoCommand } from './cli/demo-command.ts';
import { resolveDataDir } from './cli/data-dir-option.ts';
import { formatDoctor, runDoctor, writeDoctorBundle } from './cli/doctor-command.ts';
import { runRetry } from './cli/retry-command.ts';
import { runStatus } from './cli/status-command.ts';
import { checkResponsesNow, runResponses } from './cli/responses-command.ts';
import { runLogin, runLogout } from './cli/login-command.ts';
import { runEmulatorFromCommandLine } from '../../tools/graph-emulator/index.ts';

const usage = `SiteDrop ${sitedropVersion}: delivers dropped files to SharePoint.

Usage:
  sitedrop agent    [--data-dir DIR] [--config FILE] [--policy FILE]   run headless until Ctrl+C
  sitedrop demo     [--data-dir DIR] [--watch FOLDER]                  agent + a local SharePoint emulator
                    [--responses FOLDER]                               (answers: drop into Head office)
  sitedrop emulator [--port N] [--root DIR] [--head-office DIR]        the SharePoint/Graph emulator alone
  sitedrop status   [--data-dir DIR] [--json] [--all]                  counts by state and recent items
  sitedrop retry    [--data-dir DIR] (ID | --all-failed)               queue failed items again
  sitedrop responses [--data-dir DIR] [--json] [--check-now]           responses brought back, and their states
  sitedrop login    [--device-code] [--data-dir DIR]                  sign in as a person (Microsoft)
  sitedrop logout   [--data-dir DIR]                                  forget the signed-in person
  sitedrop doctor   [--data-dir DIR] [--config FILE] [--policy FILE]   check the installation
                    [--bundle FILE]                                    and write a diagnostics zip

SITEDROP_DATA_DIR stands for --data-dir. See docs/cli.md.`;

const print = (line: string) => process.stdout.write(`${line}\n`);

/** Every option of every command (parseArgs: each command reads the ones it takes). */
const cliOptions = {
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  policy: { type: 'string' },
  bundle: { type: 'string' },
  json: { type: 'boolean', default: false },
  all: { type: 'boolean', default: false },
  'all-failed': { type: 'boolean', default: false },
  'device-code': { type: 'boolean', default: false },
  'check-now': { type: 'boolean', default: false },
  watch: { type: 'string' },
  responses: { type: 'string' },
  port: { type: 'string' },
  root: { type: 'string' },
  'head-office': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** `sitedrop responses`: with --check-now, the running agent checks first; exits 1 without one. */
async function runResponsesCommand(
  dataDir: string,
  isJson: boolean,
  isCheckNow: boolean,
): Promise<number> {
  const check = isCheckNow ? await checkResponsesNow(dataDir) : undefined;
  if (check?.isChecked === false) process.stderr.write(`sitedrop: ${check.reason}\n`);
  else if (check?.isChecked && !isJson) print('Checked SharePoint for responses just now.');
  print(runResponses({ dataDir, json: isJson }));
  return check?.isChecked === false ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: cliOptions,
  });
  if (values.help || command === undefined || command === 'help') {
    print(usage);
    return command === undefined ? 2 : 0;
  }
  const dataDir = resolveDataDir(values['data-dir']);
  const configOptions = {
    ...(values.config ? { configPath: values.config } : {}),
    ...(values.policy ? { policyPath: values.policy } : {}),
  };
  switch (command) {
    case 'agent':
      await runAgentCommand({ dataDir, ...configOptions }, print);
      return -1; // keeps running until a signal
    case 'demo': {
      // A separate data directory by default, so the demo never mixes with a real agent's.
      const demoDataDir = values['data-dir'] ? dataDir : path.join(dataDir, 'demo');
      await runDemoCommand(
        {
          dataDir: demoDataDir,
          ...(values.watch ? { watchFolder: path.resolve(values.watch) } : {}),
          ...(values.port ? { port: parsePort(values.port) } : {}),
          ...(values.responses ? { responsesFolder: path.resolve(values.responses) } : {}),
        },
        print,
      );
      return -1; // keeps running until a signal
    }
    case 'emulator': {
      const options = {
        rootDir: path.resolve(values.root ?? path.join(dataDir, 'demo', 'demo-sharepoint')),
        ...(values.port ? { port: parsePort(values.port) } : {}),
        ...(values['head-office'] ? { headOffice: path.resolve(values['head-office']) } : {}),
      };
      await runUntilSignal(
        {
          start: () => runEmulatorFromCommandLine(options, print),
          close: (emulator) => emulator.close(),
          redactText: (_emulator, text) => text,
        },
        print,
      );
      return -1;
    }
    case 'status':
      print(runStatus({ dataDir, json: values.json, all: values.all }));
      return 0;
    case 'responses':
      return runResponsesCommand(dataDir, values.json, values['check-now']);
    case 'login':
      return runLogin({ dataDir, ...configOptions, isDeviceCode: values['device-code'] }, print);
    case 'logout':
      return runLogout({ dataDir, ...configOptions }, print);
    case 'retry': {
      const id = positionals[0];
      if (!values['all-failed'] && (id === undefined || !/^\d+$/.test(id))) {
        throw new UsageError('retry needs an item id (see `sitedrop status`) or --all-failed');
      }
      print(runRetry({ dataDir, target: values['all-failed'] ? 'all-failed' : Number(id) }));
      return 0;
    }
    case 'doctor': {
      const checks = runDoctor({ dataDir, ...configOptions });
      print(formatDoctor(checks));
      if (values.bundle) {
        const bundle = await writeDoctorBundle(
          { dataDir, ...configOptions },
          checks,
          values.bundle,
        );
        print(`Diagnostics bundle written to ${bundle.file} (secrets removed; see its README.txt)`);
      }
      return checks.some((check) => check.status === 'fail') ? 1 : 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new UsageError(`--port must be a TCP port number (0-65535), not "${value}"`);
  }
  return port;
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    if (exitCode >= 0) process.exitCode = exitCode;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`sitedrop: ${(error as Error).message}\n\n${usage}\n`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`sitedrop: ${(error as Error).message ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);

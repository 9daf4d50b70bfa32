import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import type { CpuPinning } from './cpu-pinning.ts';

/** The machine and runtime a bench ran on: the `machine` object of latest.json. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  kernel: string;
  node: string;
  v8: string;
  sqlite: string;
  betterSqlite3: string;
  chromium: string | null;
  fileSystem: string;
  pinning: string;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine). */
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  startedAt: string;
  profile: string;
  command: string;
}

/** Collects what the report must say about the machine, with versions read at run time. */
export function describeMachine(options: {
  pinning: CpuPinning;
  fileSystem: string;
  profile: string;
  command: string;
}): MachineInfo {
  const db = new BetterSqlite3(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    kernel: os.release(),
    node: process.versions.node,
    v8: process.versions.v8,
    sqlite,
    betterSqlite3: readPackageVersion('better-sqlite3'),
    chromium: readChromiumVersion(),
    fileSystem: options.fileSystem,
    pinning: options.pinning.description,
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
    startedAt: new Date().toISOString(),
    profile: options.profile,
    command: options.command,
  };
}

function readPackageVersion(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    const text = fs.readFileSync(url, 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    // A missing package is reported as such, not guessed.
    return 'unknown';
  }
}

function readChromiumVersion(): string | null {
  try {
    return execFileSync('/usr/bin/chromium', ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // No Debian chromium: figure 10 says it is not measured.
    return null;
  }
}

import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

// The layer rules of docs/architecture.md ("Layers") are enforced by the linter, which `npm test`
// runs: these cases prove the linter really refuses each wrong-way import.
describe('layer rules', () => {
  it.each([
    ['src/main/core/store/example.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['src/shared/example.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['src/shared/example.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['src/renderer/example.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['src/renderer/example.ts', "import path from 'path';\nexport const x = path;\n"],
    [
      'src/renderer/example.ts',
      "import { Store } from '../main/core/store/index.ts';\nexport const x = Store;\n",
    ],
    [
      'src/main/core/intake/example.ts',
      "import { Store } from '../store/store.ts';\nexport const x = Store;\n",
    ],
    [
      'src/main/core/agent-example.ts',
      "import { Store } from './store/store.ts';\nexport const x = Store;\n",
    ],
    [
      'src/main/core/example.ts',
      "import { x } from '../electron/window.ts';\nexport const y = x;\n",
    ],
  ])('refuses the import in %s', async (filePath, code) => {
    const messages = await lintAs(filePath, code);
    expect(messages.some((message) => message.startsWith('no-restricted-imports'))).toBe(true);
  });

  it.each([
    [
      'src/main/core/intake/example.ts',
      "import { Store } from '../store/index.ts';\nexport const x = Store;\n",
    ],
    ['src/main/core/example.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['src/main/electron/example.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ])('allows the import in %s', async (filePath, code) => {
    const messages = await lintAs(filePath, code);
    expect(messages.filter((message) => message.startsWith('no-restricted-imports'))).toEqual([]);
  });

  it.each([
    [
      'src/main/electron/example.ts',
      "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n",
      'no-restricted-imports',
    ],
    [
      'src/main/electron/example.ts',
      "import * as electron from 'electron';\nexport const x = electron.ipcMain;\n",
      'no-restricted-syntax',
    ],
    [
      'src/main/electron/example-preload.cts',
      "// eslint-disable-next-line @typescript-eslint/no-require-imports\nconst { ipcRenderer } = require('electron');\nexport const x = ipcRenderer;\n",
      'no-restricted-syntax',
    ],
  ])('refuses raw IPC outside the typed IPC modules, in %s', async (filePath, code, rule) => {
    const messages = await lintAs(filePath, code);
    expect(
      messages.some((message) => message.startsWith(rule) && message.includes('typed IPC')),
    ).toBe(true);
  });

  it.each(['src/main/electron/ipc-main.ts', 'src/main/electron/preload.cts'])(
    'allows raw IPC in the typed IPC module %s',
    async (filePath) => {
      const code = "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n";
      const messages = await lintAs(filePath, code);
      expect(messages.filter((message) => message.includes('typed IPC'))).toEqual([]);
    },
  );

  it('refuses default exports', async () => {
    const messages = await lintAs('src/main/core/example.ts', 'const x = 1;\nexport default x;\n');
    expect(messages.some((message) => message.startsWith('import-x/no-default-export'))).toBe(true);
  });

  const emulatorImport = (relative: string) =>
    `import { startGraphEmulator } from '${relative}tools/graph-emulator/index.ts';\nexport const x = startGraphEmulator;\n`;

  it.each([
    ['src/main/core/delivery/example.ts', emulatorImport('../../../../')],
    ['src/main/core/example.ts', emulatorImport('../../../')],
    ['src/main/electron/example.ts', emulatorImport('../../../')],
    ['src/main/electron/ipc-main.ts', emulatorImport('../../../')],
    ['src/main/example.ts', emulatorImport('../../')],
    ['src/renderer/views/example.tsx', emulatorImport('../../../')],
    ['src/shared/example.ts', emulatorImport('../../')],
  ])('refuses the Graph emulator outside the CLI, in %s', async (filePath, code) => {
    const messages = await lintAs(filePath, code);
    expect(
      messages.some(
        (message) =>
          message.startsWith('no-restricted-imports') && message.includes('tools/graph-emulator'),
      ),
    ).toBe(true);
  });

  it.each([
    ['src/main/cli.ts', emulatorImport('../../')],
    ['src/main/cli/example-command.ts', emulatorImport('../../../')],
  ])('allows the Graph emulator in the CLI, in %s', async (filePath, code) => {
    const messages = await lintAs(filePath, code);
    expect(messages.filter((message) => message.startsWith('no-restricted-imports'))).toEqual([]);
  });

  it('refuses the Graph emulator past its index.ts, even in the CLI', async () => {
    const code =
      "import { startGraphEmulator } from '../../../tools/graph-emulator/emulator.ts';\n" +
      'export const x = startGraphEmulator;\n';
    const messages = await lintAs('src/main/cli/example-command.ts', code);
    expect(messages.some((message) => message.includes('through its index.ts only'))).toBe(true);
  });
});

// The size limits hold every file of src/ that is not on the shrinking allow-list in
// eslint.config.js: a new file is held to them from its first commit.
describe('size limits', () => {
  const lines = (count: number, line: (index: number) => string) =>
    Array.from({ length: count }, (_, index) => line(index)).join('\n') + '\n';

  it('refuses a new file of 501 lines of code in src/', async () => {
    const code = lines(501, (index) => `export const value${index} = ${index};`);
    const messages = await lintAs('src/main/core/intake/example-large.ts', code);
    expect(messages.some((message) => message.startsWith('max-lines:'))).toBe(true);
  });

  it('allows a new file of 500 lines, and counts its comments as lines', async () => {
    const comments = lines(100, (index) => `// why ${index}`);
    const allowed = await lintAs(
      'src/renderer/example-large.ts',
      comments + lines(400, (index) => `export const value${index} = ${index};`),
    );
    expect(allowed.filter((message) => message.startsWith('max-lines'))).toEqual([]);
    const refused = await lintAs(
      'src/renderer/example-large.ts',
      comments + lines(401, (index) => `export const value${index} = ${index};`),
    );
    expect(refused.some((message) => message.startsWith('max-lines:'))).toBe(true);
  });

  it('refuses a new function of 101 lines of code in src/', async () => {
    const body = lines(99, (index) => `  total += ${index};`);
    const code = `export function sum(): number {\n  let total = 0;\n${body}  return total;\n}\n`;
    const messages = await lintAs('src/shared/example-long.ts', code);
    expect(messages.some((message) => message.startsWith('max-lines-per-function'))).toBe(true);
  });
});

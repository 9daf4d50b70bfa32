import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

// The layer rules of DESIGN.md are enforced by the linter, which `npm test` runs: these cases
// prove the linter really refuses each wrong-way import.
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
});

// Lint rules, including the layer rules and size limits of docs/architecture.md ("Layers"): a
// wrong-way import or an overgrown file fails `npm test`, it is not left to good intentions.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const electronBanned = {
  name: 'electron',
  message: 'Only src/main/electron may import electron (docs/architecture.md, Layers).',
};

const rawIpcMessage =
  'Use the typed IPC modules (src/main/electron/ipc-main.ts registers handlers, preload.cts ' +
  'exposes them; the contract is src/shared/desktop-api.ts), never raw ipcMain/ipcRenderer.';

/** Restrictions that every layer shares: nobody imports the shell, the CLI or the renderer. */
const outerLayerPatterns = [
  {
    group: ['**/main/electron/**', '**/electron/*.ts'],
    message: 'Nothing imports src/main/electron: it is the outermost shell.',
  },
  { group: ['**/cli.ts'], message: 'Nothing imports src/main/cli.ts: it is an entry point.' },
  {
    group: ['**/renderer/**'],
    message: 'Nothing imports src/renderer: it talks to the agent only through the feed protocol.',
  },
];

/**
 * The Graph emulator (tools/graph-emulator) is a test and demo tool, not part of the agent: only
 * the CLI's `demo` and `emulator` commands start it, so nothing else in src/ may import it.
 */
const emulatorBanned = {
  group: ['**/tools/graph-emulator', '**/tools/graph-emulator/**'],
  message:
    'Only the CLI (src/main/cli.ts, src/main/cli/) may import tools/graph-emulator: the agent ' +
    'never depends on its test double (docs/architecture.md, Layers).',
};

/** The CLI may import the emulator, through its public surface only. */
const emulatorThroughIndexOnly = {
  regex: 'tools/graph-emulator(?!/index\\.ts$)(/.*)?$',
  message: 'Import tools/graph-emulator through its index.ts only.',
};

/**
 * Size limits. A file over 500 lines or a function over 100 is holding several responsibilities;
 * split it by responsibility. A file's limit counts every line, as a reader scrolls them; a
 * function's skips blank lines and comments, so a "why" comment never pushes one towards a split.
 * No file is exempt: a new one is held to the limits from its first commit.
 */
const maxLinesPerFile = ['error', { max: 500, skipBlankLines: false, skipComments: false }];
const maxLinesPerFunction = ['error', { max: 100, skipBlankLines: true, skipComments: true }];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', 'bench/results/', 'docs/screenshots/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'import-x/no-default-export': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
    },
  },
  {
    // Config files of tools, and declarations of modules that default-export, must use it.
    files: ['*.config.js', '*.config.ts', 'types/**/*.d.ts'],
    rules: { 'import-x/no-default-export': 'off' },
  },
  {
    // Every file of src/, including any that no block below names (a new folder, the IPC
    // modules): the outer layers and the emulator stay out of reach, and the size limits hold.
    files: ['src/**/*.{ts,tsx,cts}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronBanned], patterns: [...outerLayerPatterns, emulatorBanned] },
      ],
      'max-lines': maxLinesPerFile,
      'max-lines-per-function': maxLinesPerFunction,
    },
  },
  {
    // The shell may import electron; the emulator stays out of its reach too (the typed IPC
    // modules keep this; the block after next narrows it for every other file of the shell).
    files: ['src/main/electron/**/*.{ts,cts}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [emulatorBanned] }] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronBanned,
            ...nodeBuiltins.map((name) => ({
              name,
              message:
                'src/shared is pure TypeScript: no Node built-ins (docs/architecture.md, Layers).',
            })),
          ],
          patterns: [
            ...outerLayerPatterns,
            emulatorBanned,
            { group: ['**/main/**', '../main/*'], message: 'src/shared imports nothing of ours.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBanned],
          patterns: [
            ...outerLayerPatterns,
            emulatorBanned,
            {
              // A capability reaches another only through its index.ts (docs/architecture.md, Layers).
              regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.ts$).+',
              message: 'Import another capability through its index.ts only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBanned],
          patterns: [
            ...outerLayerPatterns,
            emulatorBanned,
            {
              regex: '^\\./[^/]+/(?!index\\.ts$).+',
              message: 'The composition root imports each capability through its index.ts only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Raw IPC only in the typed IPC modules (after GitHub Desktop's rule on ipcMain/ipcRenderer): every
    // handler checks its sender and arguments there, and the preload exposes one function per
    // operation, never ipcRenderer itself.
    files: ['src/main/electron/**/*.{ts,cts}'],
    ignores: ['src/main/electron/ipc-main.ts', 'src/main/electron/preload.cts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: rawIpcMessage,
            },
          ],
          patterns: [emulatorBanned],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'Identifier[name=/^ipc(Main|Renderer)$/]', message: rawIpcMessage },
      ],
    },
  },
  {
    // The CLI's demo and emulator commands start the Graph emulator: the one place in src/ that
    // may import it, through its index.ts.
    files: ['src/main/cli.ts', 'src/main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronBanned], patterns: [...outerLayerPatterns, emulatorThroughIndexOnly] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronBanned,
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'The renderer never imports Node built-ins (docs/architecture.md, Layers).',
            })),
          ],
          patterns: [
            {
              group: ['**/main/**'],
              message: 'The renderer talks to the agent only through src/shared and the feed.',
            },
            emulatorBanned,
          ],
        },
      ],
    },
  },
  prettier,
);

// Lint rules, including the layer rules of DESIGN.md ("Layers and the direction of imports"):
// a wrong-way import fails `npm test`, it is not left to good intentions.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const electronBanned = {
  name: 'electron',
  message: 'Only src/main/electron may import electron (DESIGN.md, layers).',
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
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronBanned,
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'src/shared is pure TypeScript: no Node built-ins (DESIGN.md, layers).',
            })),
          ],
          patterns: [
            ...outerLayerPatterns,
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
            {
              // A capability reaches another only through its index.ts (STYLE.md §2).
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
    // Raw IPC only in the typed IPC modules (STYLE.md §4, after GitHub Desktop's rule): every
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
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'Identifier[name=/^ipc(Main|Renderer)$/]', message: rawIpcMessage },
      ],
    },
  },
  {
    files: ['src/main/cli.ts', 'src/main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBanned], patterns: outerLayerPatterns }],
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
              message: 'The renderer never imports Node built-ins (DESIGN.md, layers).',
            })),
          ],
          patterns: [
            {
              group: ['**/main/**'],
              message: 'The renderer talks to the agent only through src/shared and the feed.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);

// Builds the renderer (src/renderer) into dist/renderer/, which the agent's feed server serves
// at `/` and the desktop shell loads (docs/ui.md).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/renderer/', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2023',
    // The feed server's Content Security Policy allows scripts from 'self' only: no inline
    // module-preload polyfill.
    modulePreload: { polyfill: false },
    sourcemap: true,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', fs: { allow: [fileURLToPath(new URL('./src/', import.meta.url))] } },
});

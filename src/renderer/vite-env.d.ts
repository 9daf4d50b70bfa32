// CSS imports are bundled by Vite; TypeScript only needs to know they are modules.
declare module '*.css';

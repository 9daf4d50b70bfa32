/**
 * Whether another program still holds a file open for writing, per OS: /proc on Linux, an
 * exclusive open on Windows, none on macOS (the stability window alone).
 */
export { createWriterCheck } from './create-writer-check.ts';
export type { OpenWriter, WriterCheck } from './writer-check.ts';

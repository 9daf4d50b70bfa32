/**
 * Intake: watched folders in, one durable item per finished file version out.
 *
 * Owns: watching the folders (fs.watch per folder, or chokidar's polling), the ignore and include rules, when a
 * file counts as finished, hashing (SHA-256 and quickXorHash in one read), recording items
 * (queued, skipped as duplicate, quarantined with a `.error.txt`, gone), catch-up and periodic
 * reconciliation scans, folder availability, SharePoint-safe target paths, and the local file
 * after a confirmed delivery (keep, delete, archive).
 * Does not own: sending files (delivery), the schema of request files and the name rules
 * (src/shared), or the store's tables (store). It meets delivery through the store and the bus.
 */
export { startIntake, type Intake, type IntakeOptions } from './intake.ts';
export type { FolderHealth } from './watching/folder-availability.ts';
export { builtInIgnorePatterns } from './path-rules.ts';

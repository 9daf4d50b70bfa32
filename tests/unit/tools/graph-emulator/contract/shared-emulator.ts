// One emulator per contract test file: started before its first test, closed after its last.

import { afterAll, beforeAll } from 'vitest';
import { startTestEmulator } from '../emulator-client.ts';
import type { TestEmulator } from '../emulator-client.ts';
import type { GraphEmulatorOptions } from '../../../../../tools/graph-emulator/index.ts';

/** The file's emulator and the id of its default drive, valid inside tests. */
export interface SharedEmulator {
  readonly test: TestEmulator;
  readonly driveId: string;
}

/** Register beforeAll/afterAll hooks that start and close one emulator for the calling file. */
export function useSharedEmulator(options: Partial<GraphEmulatorOptions> = {}): SharedEmulator {
  const shared = {} as { test: TestEmulator; driveId: string };
  beforeAll(async () => {
    shared.test = await startTestEmulator(options);
    shared.driveId = await shared.test.driveId();
  });
  afterAll(async () => {
    await shared.test.close();
  });
  return shared;
}

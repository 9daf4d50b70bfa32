// Playwright's global setup: the tests drive the built UI, so build it first when stale.
import { ensureUiBuild } from '../../../tools/ui-build/ensure-ui-build.ts';

// eslint-disable-next-line import-x/no-default-export -- Playwright loads the default export
export default async function buildUi(): Promise<void> {
  await ensureUiBuild();
}

/**
 * A bench child: SiteDrop's inbox recording delta pages (figure 11's subject). It opens the
 * agent's store on a fresh data directory and applies each page as the poller does, one
 * transaction per page with the delta link stored with the last, and reports how long that took.
 */
import { EventBus } from '../../src/main/core/events/index.ts';
import { systemClock } from '../../src/main/core/lifecycle/index.ts';
import { Store, type RemoteChange } from '../../src/main/core/store/index.ts';
import { readChildArguments, serveParent } from '../lib/serve-parent.ts';

const options = readChildArguments<{ dataDir: string }>();
const store = Store.open({
  dataDir: options.dataDir,
  clock: systemClock,
  bus: new EventBus(() => undefined),
});

serveParent({
  apply: (args) => {
    const { pages } = args as { pages: RemoteChange[][] };
    const startedAt = performance.now();
    let written = 0;
    pages.forEach((page, index) => {
      const deltaLink =
        index === pages.length - 1 ? 'https://graph.invalid/delta?token=last' : undefined;
      written += store.responses.applyDeltaPage('bench', page, deltaLink).length;
    });
    return { written, durationMs: performance.now() - startedAt };
  },
  close: () => store.close(),
});

import type { Figure } from '../lib/figure.ts';
import { figureDropLatency } from './figure-01-drop-latency.ts';
import { figureBurst } from './figure-02-burst.ts';
import { figureEndToEnd } from './figure-03-end-to-end.ts';
import { figureLatency } from './figure-04-latency.ts';
import { figureThrottled } from './figure-05-throttled.ts';
import { figureLargeFile } from './figure-06-large-file.ts';
import { figureMemory } from './figure-07-memory.ts';
import { figureWatchedTree } from './figure-08-watched-tree.ts';
import { figureFanOut } from './figure-09-fan-out.ts';
import { figureDashboard } from './figure-10-dashboard.ts';
import { figureDeltaChanges } from './figure-11-delta-changes.ts';
import { figureLargeDownload } from './figure-12-large-download.ts';
import { figureResponseLatency } from './figure-13-response-latency.ts';

/** Every figure, in order (1-10 of issue 7, then the return channel's). */
export const allFigures: Figure[] = [
  figureDropLatency,
  figureBurst,
  figureEndToEnd,
  figureLatency,
  figureThrottled,
  figureLargeFile,
  figureMemory,
  figureWatchedTree,
  figureFanOut,
  figureDashboard,
  figureDeltaChanges,
  figureLargeDownload,
  figureResponseLatency,
];

import type { Figure } from '../lib/figure.ts';
import { figureDropLatency } from './figure-01-drop-latency.ts';
import { figureBurst } from './figure-02-burst.ts';
import { figureEndToEnd } from './figure-03-end-to-end.ts';
import { figureLatency } from './figure-04-latency.ts';
import { figureThrottled } from './figure-05-throttled.ts';
import { figureLargeFile } from './figure-06-large-file.ts';
import { figureMemory } from './figure-07-memory.ts';

/** Every figure of issue 7, in order. */
export const allFigures: Figure[] = [
  figureDropLatency,
  figureBurst,
  figureEndToEnd,
  figureLatency,
  figureThrottled,
  figureLargeFile,
  figureMemory,
];

// pino-roll ships no type declarations; this is the part of its API SiteDrop uses (its README).
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';

  interface PinoRollOptions {
    file: string;
    size?: number | string;
    frequency?: number | string;
    extension?: string;
    mkdir?: boolean;
    symlink?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    mode?: number;
    sync?: boolean;
    fsync?: boolean;
    /** Passed on to SonicBoom: the most bytes one write() takes (default 16 KiB). */
    maxWrite?: number;
  }

  type RollStream = DestinationStream & {
    flushSync(): void;
    end(): void;
    once(event: 'close' | 'finish' | 'ready', listener: () => void): void;
    once(event: 'error', listener: (error: Error) => void): void;
    /** SonicBoom's events: 'error' when a write fails (e.g. ENOSPC), 'write' when one succeeds. */
    on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): void;
    on(event: 'write', listener: (bytes: number) => void): void;
  };

  function build(options: PinoRollOptions): Promise<RollStream>;
  export default build;
}

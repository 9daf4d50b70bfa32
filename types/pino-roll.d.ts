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
  }

  type RollStream = DestinationStream & {
    flushSync(): void;
    end(): void;
    once(event: 'close' | 'finish' | 'ready', listener: () => void): void;
    once(event: 'error', listener: (error: Error) => void): void;
  };

  function build(options: PinoRollOptions): Promise<RollStream>;
  export default build;
}

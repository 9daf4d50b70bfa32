import { describe, expect, it } from 'vitest';
import {
  ConfigSchema,
  simpleUploadLimitBytes,
  uploadFragmentLimitBytes,
  uploadFragmentUnitBytes,
} from '../../../src/shared/config-schema.ts';

/** The problem the schema reports for one delivery setting, or undefined when it is accepted. */
function problemOf(delivery: Record<string, number>): string | undefined {
  const parsed = ConfigSchema.safeParse({ delivery });
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

describe("the config schema keeps uploads inside Graph's documented limits", () => {
  it('refuses a fragment of exactly 60 MiB, saying the limit and what to use instead', () => {
    expect(uploadFragmentLimitBytes).toBe(62_914_560);
    // 60 MiB is itself a multiple of 320 KiB: only the limit refuses it.
    expect(uploadFragmentLimitBytes % uploadFragmentUnitBytes).toBe(0);
    const problem = problemOf({ chunkSizeBytes: uploadFragmentLimitBytes });
    expect(problem).toMatch(/must be less than 60 MiB \(62,914,560 bytes\)/);
    expect(problem).toMatch(/use 10485760 \(10 MiB\)/);
  });

  it('accepts the largest multiple of 320 KiB below 60 MiB', () => {
    expect(problemOf({ chunkSizeBytes: uploadFragmentLimitBytes - uploadFragmentUnitBytes })).toBe(
      undefined,
    );
  });

  it('refuses a fragment that is not a multiple of 320 KiB, naming the fix', () => {
    expect(problemOf({ chunkSizeBytes: uploadFragmentUnitBytes + 1 })).toMatch(
      /multiple of 327680 bytes.*use 10485760/,
    );
  });

  it('takes 250,000,000 bytes as the largest simple upload and refuses one byte more', () => {
    expect(simpleUploadLimitBytes).toBe(250_000_000);
    expect(problemOf({ simpleUploadMaxBytes: 250_000_000 })).toBe(undefined);
    expect(problemOf({ simpleUploadMaxBytes: 250_000_001 })).toMatch(
      /at most 250,000,000 bytes \(250 MB\).*upload session/,
    );
    // 250 MiB, which the schema accepted before, is over Graph's 250 MB.
    expect(problemOf({ simpleUploadMaxBytes: 250 * 1024 * 1024 })).toBeDefined();
  });
});

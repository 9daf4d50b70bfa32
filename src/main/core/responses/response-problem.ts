import { CodedError } from '../../../shared/coded-error.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { DeliveryError } from '../delivery/index.ts';
import type { ResponseRecord } from '../store/index.ts';
import type { ResponseMapping } from './download-response.ts';

/** Local file-system failures a retry in a minute does not fix by itself. */
const localFailureCodes = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR']);

/**
 * A response that needs a person: a stable code and a sentence naming the file and the fix.
 * Messages never carry a download URL or a token.
 */
export class ResponseProblem extends CodedError {
  constructor(code: string, message: string) {
    super(code, message);
  }

  /** Whether an error is the local disk's (never answered by resuming the download). */
  static isLocal(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && localFailureCodes.has(code);
  }

  /**
   * The problem a person must fix, or undefined for a failure the next run may get past by
   * itself (SharePoint unreachable, throttling, the breaker open, the agent closing).
   */
  static from(
    error: unknown,
    mapping: ResponseMapping,
    response: ResponseRecord,
  ): ResponseProblem | undefined {
    if (error instanceof ResponseProblem) return error;
    if (error instanceof DeliveryError) {
      if (error.isTransient) return undefined;
      return new ResponseProblem(error.code, error.message);
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return new ResponseProblem(
        'response.disk-full',
        `The disk of ${mapping.localFolder} is full, so "${response.name}" could not be saved; the bytes so far are kept. Free some space, then press Retry.`,
      );
    }
    if (ResponseProblem.isLocal(error)) {
      return new ResponseProblem(
        'response.folder-not-writable',
        `SiteDrop cannot write "${response.name}" into ${mapping.localFolder} (${String(code)}): give your account write access to that folder, or choose another responses folder in Settings, then press Retry.`,
      );
    }
    return undefined;
  }

  static badName(name: string, problems: readonly string[]): ResponseProblem {
    return new ResponseProblem(
      'response.bad-name',
      `The response ${JSON.stringify(name)} cannot be saved under its name: it ${problems.join('; it ')}. Ask head office to rename it in SharePoint; SiteDrop then brings it under the new name.`,
    );
  }

  static tooLarge(name: string, sizeBytes: number, maxSizeBytes: number): ResponseProblem {
    return new ResponseProblem(
      'response.too-large',
      `The response "${name}" is ${formatBytes(sizeBytes)}, more than the ${formatBytes(maxSizeBytes)} responses may be (responses.maxSizeBytes). Raise the limit in Settings and press Retry, or open it in SharePoint.`,
    );
  }

  static diskFull(
    name: string,
    folder: string,
    neededBytes: number,
    freeBytes: number,
  ): ResponseProblem {
    return new ResponseProblem(
      'response.disk-full',
      `The disk of ${folder} has ${formatBytes(Math.max(0, freeBytes))} free, too little for "${name}" (${formatBytes(neededBytes)} and a reserve). Free some space, then press Retry; nothing was lost.`,
    );
  }

  static badRange(name: string): ResponseProblem {
    return new ResponseProblem(
      'response.bad-range',
      `SharePoint sent other bytes of "${name}" than the ones asked for. Press Retry; if it happens again, open the file in SharePoint.`,
    );
  }

  static keepsFailing(name: string): ResponseProblem {
    return new ResponseProblem(
      'response.download-keeps-failing',
      `The download of "${name}" kept being cut off or its address kept expiring. Press Retry; the bytes so far are kept.`,
    );
  }

  static contentDiffers(
    name: string,
    actual: { quickXorHash: string; sizeBytes: number },
    expected: Pick<ResponseRecord, 'quickXorHash' | 'sizeBytes'>,
  ): ResponseProblem {
    const what =
      expected.sizeBytes !== null && actual.sizeBytes !== expected.sizeBytes
        ? `${actual.sizeBytes} bytes instead of the ${expected.sizeBytes} SharePoint lists`
        : `quickXorHash ${actual.quickXorHash} instead of the ${String(expected.quickXorHash)} SharePoint lists`;
    return new ResponseProblem(
      'response.content-differs',
      `"${name}" arrived with different content than SharePoint lists (${what}), also after reading its listing again. It was not saved. Check the file in SharePoint, then press Retry.`,
    );
  }
}

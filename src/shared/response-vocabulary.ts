/**
 * The words people see for a response's state (docs/ui.md), one rule for the window and the
 * CLI: "Ready" once the file is in the responses folder, "Needs you" when a person must act.
 */
import type { ResponseSkipReason, ResponseState } from './response-state.ts';

/** Each response state in the UI's words. */
export const responseStateLabels: Readonly<Record<ResponseState, string>> = {
  detected: 'Found',
  downloading: 'Downloading',
  verifying: 'Checking',
  ready: 'Ready',
  failed: 'Needs you',
  skipped: 'Skipped',
};

/** Why a response was skipped, in the UI's words. */
export const responseSkipLabels: Readonly<Record<ResponseSkipReason, string>> = {
  deleted: 'Deleted in SharePoint',
  superseded: 'Replaced by a newer version',
  unchanged: 'Already here',
};

/** A response's state as one phrase: the skip reason stands for "Skipped" when there is one. */
export function describeResponseState(response: {
  state: ResponseState;
  skipReason: ResponseSkipReason | null;
}): string {
  if (response.state === 'skipped' && response.skipReason !== null) {
    return responseSkipLabels[response.skipReason];
  }
  return responseStateLabels[response.state];
}

/**
 * Opens a response's local file: in the SiteDrop window through the shell (which opens only a
 * path the agent reported for that response); in a browser, which cannot open local files, the
 * path is shown to copy.
 */
import { useState } from 'react';
import { desktopApi } from '../../desktop-bridge.ts';

/** The Open button, or the path where there is no desktop shell. */
export function OpenResponseFile(props: { responseId: number; localPath: string }) {
  const [outcome, setOutcome] = useState<string>();
  const openResponse = desktopApi()?.openResponse;
  if (openResponse === undefined) {
    return (
      <p data-testid="response-open-path">
        The file is at <code>{props.localPath}</code>
      </p>
    );
  }
  return (
    <p>
      <button
        type="button"
        onClick={() =>
          void openResponse({ responseId: props.responseId, path: props.localPath }).then(
            (isOpened) => setOutcome(isOpened ? undefined : 'The file is no longer there.'),
          )
        }
      >
        Open the response
      </button>
      {outcome !== undefined ? <span role="status"> {outcome}</span> : null}
    </p>
  );
}

/**
 * "Test connection": runs the agent's connection test on the saved settings and lists each step
 * (configuration, credential, token, site, library, folder, write) with OK, Failed or Skipped and
 * the reason, in this screen's words (`connection-words.ts`). While it runs the button stays focusable (aria-disabled, not disabled, which would
 * drop the keyboard's focus to the page), and the outcome goes into a status region that is
 * always there.
 */
import { useState } from 'react';
import type { ConnectionTestResult } from '../../../../shared/feed-protocol.ts';
import { useFeedState } from '../../../feed/feed-context.tsx';
import { connectionDetailText, connectionStepNames } from './connection-words.ts';

/** The Test connection button and the steps of its last run. */
export function TestConnection(props: { isDirty: boolean }) {
  const feed = useFeedState();
  const [result, setResult] = useState<ConnectionTestResult | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [isRunning, setIsRunning] = useState(false);
  const run = () => {
    if (isRunning) return;
    setIsRunning(true);
    setError(undefined);
    setResult(undefined);
    feed.connection?.request('testConnection', {}).then(
      (outcome) => {
        setIsRunning(false);
        setResult(outcome);
      },
      (failure: unknown) => {
        setIsRunning(false);
        setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
  };
  return (
    <div className="test-connection">
      <button type="button" onClick={run} aria-disabled={isRunning ? true : undefined}>
        {isRunning ? 'Testing…' : 'Test connection'}
      </button>
      {props.isDirty ? (
        <span className="hint"> Tests the saved settings: save your changes first.</span>
      ) : null}
      <div role="status" aria-live="polite">
        {error ? <p className="error-text">{error}</p> : null}
        {result ? (
          <>
            <p>
              <strong>
                {result.isOk
                  ? 'Everything works: SiteDrop can deliver files.'
                  : 'The connection does not work yet; see the step that failed.'}
              </strong>
            </p>
            <ol className="steps">
              {result.steps.map((step, index) => (
                <li key={index} className={`step-${step.status}`} data-step={step.name}>
                  <span className="step-status">
                    <span aria-hidden="true">
                      {step.status === 'ok' ? '✓' : step.status === 'failed' ? '✗' : '–'}
                    </span>{' '}
                    {step.status === 'ok' ? 'OK' : step.status === 'failed' ? 'Failed' : 'Skipped'}
                  </span>{' '}
                  <strong>{connectionStepNames[step.name]}</strong>:{' '}
                  {connectionDetailText(step.detail)}
                </li>
              ))}
            </ol>
          </>
        ) : null}
      </div>
    </div>
  );
}

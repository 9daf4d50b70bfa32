/**
 * "Export diagnostics": in the desktop app, a button that asks where to save a diagnostics zip
 * (logs, redacted config, status) through the shell's `exportDiagnostics` (src/shared/
 * desktop-api.ts); in a browser onto a headless agent, where no shell can save files, the
 * command that writes the same bundle (docs/deployment.md, "Diagnostics").
 */
import { useState } from 'react';
import { desktopApi } from '../desktop-bridge.ts';

type ExportState =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'saved'; file: string }
  | { kind: 'failed'; message: string };

/** The diagnostics card: a button in the desktop app, the CLI command elsewhere. */
export function ExportDiagnostics() {
  const [state, setState] = useState<ExportState>({ kind: 'idle' });
  const exportDiagnostics = desktopApi()?.exportDiagnostics;
  return (
    <section className="card" aria-labelledby="diagnostics-title">
      <h2 id="diagnostics-title">Diagnostics</h2>
      {exportDiagnostics === undefined ? (
        <p>
          To send support a diagnostics bundle (logs and settings, secrets removed), run{' '}
          <code>sitedrop doctor --bundle sitedrop-diagnostics.zip</code> on the computer that runs
          SiteDrop.
        </p>
      ) : (
        <>
          <p>Saves the logs and settings, secrets removed, in one zip file for support.</p>
          <button
            type="button"
            disabled={state.kind === 'busy'}
            onClick={() => {
              setState({ kind: 'busy' });
              exportDiagnostics().then(
                (result) =>
                  setState(result ? { kind: 'saved', file: result.file } : { kind: 'idle' }),
                (error: unknown) =>
                  setState({
                    kind: 'failed',
                    message: error instanceof Error ? error.message : String(error),
                  }),
              );
            }}
          >
            Export diagnostics…
          </button>
          <p role="status">
            {state.kind === 'saved' ? (
              <>
                Saved to <code>{state.file}</code>.
              </>
            ) : state.kind === 'failed' ? (
              `The diagnostics could not be saved: ${state.message}`
            ) : null}
          </p>
        </>
      )}
    </section>
  );
}

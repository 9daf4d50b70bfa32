/**
 * A set-aside file's card: where the file and its note are now (as text a person can select and
 * copy, in a browser too), what the note lists, and in the desktop window "Show in folder" for
 * each. The problem box's "Show the note" moves here.
 */
import { useState } from 'react';
import type { SetAsideView } from '../../../shared/feed-protocol.ts';
import { setAsideNoteId } from '../../components/problem-notice.tsx';
import { desktopApi } from '../../desktop-bridge.ts';

/** The Set aside card of one item. */
export function SetAsideNote(props: { itemId: number; setAside: SetAsideView }) {
  const { itemId, setAside } = props;
  const [failure, setFailure] = useState<string>();
  /** In the desktop window: the shell checks the path against what the agent reported. */
  const showSetAsideInFolder = desktopApi()?.showSetAsideInFolder;
  const reveal = (filePath: string) => {
    if (!showSetAsideInFolder) return;
    setFailure(undefined);
    showSetAsideInFolder({ itemId, path: filePath }).then(
      (isShown) => {
        if (!isShown) setFailure('The file and its set-aside folder are not there any more.');
      },
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  };
  return (
    <section
      className="card set-aside-note"
      id={setAsideNoteId}
      tabIndex={-1}
      aria-labelledby="set-aside-title"
    >
      <h2 id="set-aside-title">Where the file and its note are</h2>
      <dl className="pairs">
        <dt>The file</dt>
        <dd className="path">{setAside.filePath}</dd>
        <dt>Its note</dt>
        <dd className="path">{setAside.notePath}</dd>
      </dl>
      <h3>What the note says is wrong</h3>
      {setAside.problems.length > 0 ? (
        <ol className="note-problems">
          {setAside.problems.map((problem, index) => (
            <li key={index}>{problem}</li>
          ))}
        </ol>
      ) : (
        <p>Open the note to read what is wrong.</p>
      )}
      {showSetAsideInFolder ? (
        <p className="actions">
          <button type="button" onClick={() => reveal(setAside.filePath)}>
            Show in folder
          </button>
          <button type="button" onClick={() => reveal(setAside.notePath)}>
            Show the note in its folder
          </button>
        </p>
      ) : null}
      {failure !== undefined ? (
        <p role="alert" className="error-text">
          {failure}
        </p>
      ) : null}
    </section>
  );
}

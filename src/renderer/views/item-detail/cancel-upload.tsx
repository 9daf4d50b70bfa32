/**
 * "Cancel upload" and its confirmation. The confirmation opens beside the button, which stays
 * (aria-expanded), and takes the keyboard's focus on its safe answer, "Keep it"; either answer
 * (or Escape) gives the focus back to the button. Once pressed, the button stays mounted,
 * aria-disabled when there is nothing left to cancel, so the focus never falls to the page.
 */
import { useEffect, useId, useRef, useState } from 'react';

/** The Cancel upload button and its confirmation; `onConfirm` sends the command. */
export function CancelUpload(props: {
  name: string;
  canCancel: boolean;
  isBusy: boolean;
  onConfirm(): void;
}) {
  const { canCancel, isBusy } = props;
  const [isConfirming, setIsConfirming] = useState(false);
  const [wasPressed, setWasPressed] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  const confirmationId = useId();
  useEffect(() => {
    if (isConfirming) keepRef.current?.focus();
  }, [isConfirming]);
  // A file that finishes while the question is open has nothing left to cancel: the question
  // goes, and the focus it held comes back to the button rather than to the page.
  useEffect(() => {
    if (!isConfirming || canCancel) return;
    setIsConfirming(false);
    if (document.activeElement === document.body) buttonRef.current?.focus();
  }, [isConfirming, canCancel]);
  const close = () => {
    setIsConfirming(false);
    buttonRef.current?.focus();
  };
  const isUnavailable = !canCancel || isBusy;
  if (!canCancel && !wasPressed) return null;
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        aria-disabled={isUnavailable ? true : undefined}
        aria-expanded={isConfirming}
        aria-controls={isConfirming ? confirmationId : undefined}
        onClick={() => {
          if (isUnavailable) return;
          setWasPressed(true);
          setIsConfirming(true);
        }}
      >
        Cancel upload
      </button>
      {isConfirming && canCancel ? (
        <span
          id={confirmationId}
          role="group"
          aria-label="Confirm cancelling"
          onKeyDown={(event) => {
            if (event.key === 'Escape') close();
          }}
        >
          Cancel the upload of {props.name}?{' '}
          <button
            type="button"
            className="danger"
            onClick={() => {
              close();
              props.onConfirm();
            }}
          >
            Yes, cancel it
          </button>{' '}
          <button ref={keepRef} type="button" onClick={close}>
            Keep it
          </button>
        </span>
      ) : null}
    </>
  );
}

/**
 * Upload progress as a native <progress> element: announced by screen readers with its name
 * and value, and drawn by the browser in both themes.
 */
import { formatBytes } from '../../shared/format/bytes.ts';

/** A progress bar with "sent of total" next to it. */
export function UploadProgress(props: { name: string; sentBytes: number; totalBytes: number }) {
  const total = Math.max(props.totalBytes, 1);
  const percent = Math.min(100, Math.round((props.sentBytes / total) * 100));
  return (
    <span className="upload-progress">
      <progress
        max={total}
        value={Math.min(props.sentBytes, total)}
        aria-label={`Upload progress of ${props.name}`}
        aria-valuetext={`${percent}%`}
      />
      <span className="muted small">
        {formatBytes(props.sentBytes)} of {formatBytes(props.totalBytes)}
      </span>
    </span>
  );
}

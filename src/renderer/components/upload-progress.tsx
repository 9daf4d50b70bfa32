/**
 * Upload progress as a native <progress> element: announced by screen readers with its name
 * and value, and drawn by the browser in both themes.
 */
import { formatBytes } from '../../shared/format/bytes.ts';
import type { ItemView } from '../../shared/feed-protocol.ts';
import type { ItemProgress } from '../feed/feed-state.ts';

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

/** An item's progress while it uploads (what it has sent so far, else nothing yet); else nothing. */
export function ItemUploadProgress(props: {
  name: string;
  item: Pick<ItemView, 'state' | 'sizeBytes'>;
  progress: ItemProgress | undefined;
}) {
  if (props.item.state !== 'uploading') return null;
  return (
    <UploadProgress
      name={props.name}
      sentBytes={props.progress?.sentBytes ?? 0}
      totalBytes={props.progress?.totalBytes ?? props.item.sizeBytes}
    />
  );
}

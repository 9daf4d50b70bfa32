/**
 * The watched folders on the dashboard: each folder with its availability, a column per group of
 * the state vocabulary (each count a link to the filtered list) and its Pause / Resume.
 */
import type { FolderView } from '../../../shared/feed-protocol.ts';
import { formatCount } from '../../../shared/format/count.ts';
import {
  countInGroup,
  itemStateGroupKeys,
  itemStateGroups,
} from '../../../shared/state-vocabulary.ts';
import type { Feed } from '../../feed/feed-context.tsx';
import { Link } from '../../router.tsx';
import { PauseButton } from './pause-button.tsx';

/** The watched folders card. */
export function FoldersTable(props: { feed: Feed }) {
  const { feed } = props;
  const { state } = feed;
  return (
    <section className="card" aria-labelledby="folders-title">
      <h2 id="folders-title">Watched folders</h2>
      {state.folders.length === 0 ? (
        <p>No folder is watched yet. An admin adds folders in Settings.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Folder</th>
                <th scope="col">Availability</th>
                {itemStateGroupKeys.map((key) => (
                  <th key={key} scope="col">
                    {itemStateGroups[key].label}
                  </th>
                ))}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.folders.map((folder) => (
                <FolderRow key={folder.id} feed={feed} folder={folder} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** One folder's row; its Pause / Resume stays while all uploads are paused (it is its own). */
function FolderRow(props: { feed: Feed; folder: FolderView }) {
  const { folder } = props;
  const name = folder.label ?? folder.id;
  return (
    <tr data-folder={folder.id}>
      <th scope="row">
        <Link to={`/activity?folder=${encodeURIComponent(folder.id)}`}>{name}</Link>
        <div className="muted small path">{folder.path}</div>
      </th>
      <td data-availability={folder.health.status} data-label="Availability">
        {folder.health.status === 'available'
          ? 'Available'
          : folder.health.status === 'unavailable'
            ? `Not available: ${folder.health.reason ?? 'the folder cannot be read'}`
            : 'Not checked yet'}
        {folder.isPaused ? <div className="small">Delivery paused</div> : null}
      </td>
      {itemStateGroupKeys.map((key) => {
        const count = countInGroup(folder.counts, key);
        return (
          <td key={key} data-group={key} data-label={itemStateGroups[key].label}>
            {count > 0 ? (
              <Link to={`/activity?folder=${encodeURIComponent(folder.id)}&state=${key}`}>
                {formatCount(count)}
              </Link>
            ) : (
              '0'
            )}
          </td>
        );
      })}
      <td>
        <PauseButton
          feed={props.feed}
          folderId={folder.id}
          isPaused={folder.isPaused}
          folderName={name}
        />
      </td>
    </tr>
  );
}

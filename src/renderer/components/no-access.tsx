/**
 * What the page shows instead of a screen when it has no access key, or one the agent refuses:
 * where to open it from, so nobody waits on a screen that can never load.
 */

/** The steps to a page the agent accepts. */
export function NoAccess() {
  return (
    <div className="stack" data-testid="no-access">
      <p>This page cannot show the agent’s status without its access key.</p>
      <ul>
        <li>
          On a desktop with SiteDrop installed, open the window from SiteDrop’s icon in the taskbar
          or menu bar.
        </li>
        <li>
          Where SiteDrop runs as <code>sitedrop agent</code>, open the <code>Dashboard:</code>{' '}
          address it printed when it started (it ends in <code>#token=…</code>). The key is also in
          the file <code>feed-token</code> in the agent’s data folder.
        </li>
      </ul>
    </div>
  );
}

/**
 * The renderer's entry: takes the access key from the address (or from the desktop shell),
 * opens the feed and renders the UI.
 */
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { desktopApi } from './desktop-bridge.ts';
import { FeedProvider } from './feed/feed-context.tsx';
import { takeFeedToken } from './feed/feed-token.ts';
import './styles.css';
import './tables.css';

/** The desktop window asks its shell for the token; a browser has it in the address. */
async function findToken(): Promise<string | undefined> {
  const getFeedConnection = desktopApi()?.getFeedConnection;
  if (getFeedConnection) {
    try {
      return (await getFeedConnection()).token;
    } catch {
      return takeFeedToken();
    }
  }
  return takeFeedToken();
}

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
const token = await findToken();
createRoot(container).render(
  <FeedProvider token={token}>
    <App />
  </FeedProvider>,
);

/**
 * The renderer's entry: takes the access key from the address (or from the desktop shell),
 * opens the feed and renders the UI.
 */
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { FeedProvider } from './feed/feed-context.tsx';
import { takeFeedToken } from './feed/feed-token.ts';
import './styles.css';

/** What the desktop shell's preload may expose (src/shared/desktop-api.ts, issue 6). */
interface DesktopBridge {
  getFeedConnection?: () => Promise<{ token: string }>;
}

async function findToken(): Promise<string | undefined> {
  const desktop = (window as { sitedrop?: DesktopBridge }).sitedrop;
  if (desktop?.getFeedConnection) {
    try {
      return (await desktop.getFeedConnection()).token;
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

import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The page `/` answers until the UI is built. */
const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SiteDrop</title></head>
<body><h1>SiteDrop is running</h1>
<p>The status UI is not built yet, so there is nothing to show here. Build it from the checkout
with <code>npx vite build</code> (it writes <code>dist/renderer/</code>), then reload this page.</p>
<p>The agent's data is available meanwhile: <code>npx sitedrop status</code>, or the HTTP API
under <code>/api/</code> (see docs/feed.md).</p></body></html>
`;

/**
 * Serves a GET or HEAD for the UI's files from `root` (the Vite build output): `/` is
 * index.html, a path without an extension that names no file is index.html too (client-side
 * routes), and nothing outside `root` is ever served (no `..`, no symlink escapes).
 *
 * @returns the HTTP status sent.
 */
export async function serveStaticFile(
  root: string,
  pathname: string,
  isHead: boolean,
  response: ServerResponse,
): Promise<number> {
  const realRoot = realPathOrUndefined(root);
  if (realRoot === undefined) {
    if (pathname === '/' || pathname === '/index.html') {
      return sendText(response, 200, 'text/html; charset=utf-8', notBuiltPage, isHead);
    }
    return sendText(response, 404, 'text/plain; charset=utf-8', 'Not found.\n', isHead);
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return sendText(response, 400, 'text/plain; charset=utf-8', 'Bad path.\n', isHead);
  }
  if (relative.includes('\0')) {
    return sendText(response, 400, 'text/plain; charset=utf-8', 'Bad path.\n', isHead);
  }
  let file = resolveInside(realRoot, relative === '/' ? '/index.html' : relative);
  if (file === undefined && path.extname(relative) === '') {
    file = resolveInside(realRoot, '/index.html');
  }
  if (file === undefined) {
    return sendText(response, 404, 'text/plain; charset=utf-8', 'Not found.\n', isHead);
  }
  const stat = fs.statSync(file);
  response.writeHead(200, {
    'Content-Type': contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    'Cache-Control': path.basename(file) === 'index.html' ? 'no-cache' : 'public, max-age=3600',
  });
  if (isHead) {
    response.end();
  } else {
    await pipeline(fs.createReadStream(file), response);
  }
  return 200;
}

/** The real path of a regular file under root, or undefined. */
function resolveInside(realRoot: string, relative: string): string | undefined {
  const candidate = path.resolve(realRoot, `.${path.posix.normalize(relative)}`);
  const real = realPathOrUndefined(candidate);
  if (real === undefined) return undefined;
  const inside = path.relative(realRoot, real);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  return fs.statSync(real).isFile() ? real : undefined;
}

function realPathOrUndefined(file: string): string | undefined {
  try {
    return fs.realpathSync(file);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) {
      return undefined;
    }
    throw error;
  }
}

function sendText(
  response: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  isHead: boolean,
): number {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache',
  });
  response.end(isHead ? undefined : text);
  return status;
}

import path from 'node:path';
import { APP_HOST, APP_SCHEME } from '../ipc/trusted-sender.js';

/** The URL of one of our pages: `appUrl('popup.html')` → `app://keybroker/popup.html`. */
export function appUrl(page: string): string {
  return `${APP_SCHEME}://${APP_HOST}/${page}`;
}

/** Content types of the files we ship; anything else is refused. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Where an `app://` request maps to, or why it is refused. */
export type AppPathResult = { ok: true; file: string; contentType: string } | { ok: false; status: 403 | 404 };

/**
 * Map an `app://keybroker/…` URL to a file under `root`. Refuses other hosts, encoded or
 * plain `..`, backslashes, NUL, and anything that would resolve outside `root`.
 */
export function resolveAppPath(root: string, requestUrl: string): AppPathResult {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 404 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 403 };
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 404 };
  }
  // Security: reject traversal tricks before resolving, then check containment after.
  if (rel.includes('\0') || rel.includes('\\') || rel.split('/').includes('..')) return { ok: false, status: 403 };
  const base = path.resolve(root);
  const file = path.resolve(base, `.${rel === '/' ? '/index.html' : rel}`);
  if (file !== base && !file.startsWith(base + path.sep)) return { ok: false, status: 403 };
  const contentType = TYPES[path.extname(file).toLowerCase()];
  if (!contentType) return { ok: false, status: 404 };
  return { ok: true, file, contentType };
}

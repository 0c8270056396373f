import fs from 'node:fs';
import type { CustomScheme, Protocol } from 'electron';
import { toDisposable, type Disposable } from '../../base/lifecycle/disposable.js';
import { APP_SCHEME } from '../ipc/trusted-sender.js';
import { resolveAppPath } from './app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../base/content-security-policy.js';

/** Pass to `protocol.registerSchemesAsPrivileged` before `app.whenReady()`. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  // standard: real origins and relative URLs; secure: treated like https. No fetch, no CORS bypass.
  privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, bypassCSP: false },
};

/** The part of `protocol` (of one session) we use. */
export type ProtocolPort = Pick<Protocol, 'handle' | 'unhandle'>;

/**
 * Serve `root` (dist/renderer) on `app://keybroker/`, every response with our CSP.
 * Requests outside `root` get 403 (see resolveAppPath).
 */
export function registerAppProtocol(protocol: ProtocolPort, root: string, readFile: (file: string) => Promise<Buffer> = (f) => fs.promises.readFile(f)): Disposable {
  protocol.handle(APP_SCHEME, async (request) => {
    const target = resolveAppPath(root, request.url);
    if (!target.ok) return new Response(null, { status: target.status });
    try {
      const body = await readFile(target.file);
      return new Response(new Uint8Array(body), {
        status: 200,
        headers: {
          'content-type': target.contentType,
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        },
      });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
  return toDisposable(() => protocol.unhandle(APP_SCHEME));
}

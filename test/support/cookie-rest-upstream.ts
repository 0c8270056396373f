// A small cookie-login REST upstream over HTTPS, the fake behind the test-only kind
// `cookie-rest` (test/fixtures/kinds/cookie-rest/). It stands for the kind of system issue 13
// names as "a generic cookie-login REST upstream": POST /login with user and password sets a
// session cookie, every other call needs that cookie, POST /logout ends the session.
//
//   POST {base}/login                  {"user","password"} → 204 + Set-Cookie: crsession=…; 401 when wrong
//   GET  {base}/items                  → {"items":[{"id","name","archived"}]}
//   GET  {base}/items/{id}             → {"id","name","archived"}; 404 when unknown
//   POST {base}/items/{id}/archive     → the item, now archived
//   POST {base}/logout                 → 204; the cookie is dead afterwards
// Any call but /login without a live cookie is 401.
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestPki, type TestPki } from './openssl-pki.js';

/** One item of the fake's store. */
export interface CookieRestItem {
  readonly id: string;
  readonly name: string;
  archived: boolean;
}

/** A running fake; stop it in `after`/`finally`. */
export interface CookieRestUpstream {
  /** `https://127.0.0.1:PORT`: give it to `endpoint add` (the kind adds `/api`). */
  readonly url: string;
  /** The CA that signed the server certificate, as PEM (the endpoint's `--ca` file content). */
  readonly caPem: string;
  /** The items, live: a test reads the effect of a write here. */
  readonly items: Map<string, CookieRestItem>;
  /** `METHOD /path` → how many requests, e.g. `POST /api/login`. */
  counts(): Record<string, number>;
  /** Every session cookie value the fake ever issued (to prove none leaked). */
  issuedCookies(): string[];
  /** Sessions alive now. */
  liveSessions(): number;
  /** End every session, as an upstream restart or expiry would: the next call gets 401. */
  expireSessions(): void;
  stop(): Promise<void>;
}

const BASE = '/api';
const COOKIE = 'crsession';

/** Start the fake on 127.0.0.1 with a fresh CA (openssl), `users` as user → password. */
export async function startCookieRestUpstream(users: Readonly<Record<string, string>>, items: readonly Omit<CookieRestItem, 'archived'>[]): Promise<CookieRestUpstream> {
  const pki: TestPki = createTestPki();
  const leaf = pki.issue('IP:127.0.0.1,DNS:localhost');
  const store = new Map<string, CookieRestItem>(items.map((i) => [i.id, { ...i, archived: false }]));
  const sessions = new Set<string>();
  const issued: string[] = [];
  const counts: Record<string, number> = {};

  const server = https.createServer({ key: leaf.key, cert: leaf.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://fake');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    counts[route] = (counts[route] ?? 0) + 1;
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => { raw += d; });
    req.on('end', () => {
      if (route === `POST ${BASE}/login`) {
        let body: { user?: unknown; password?: unknown } = {};
        try {
          body = JSON.parse(raw) as typeof body;
        } catch {
          return send(400, { error: 'body must be JSON' });
        }
        if (typeof body.user !== 'string' || typeof body.password !== 'string' || users[body.user] !== body.password) return send(401, { error: 'wrong user or password' });
        const value = randomBytes(18).toString('base64url');
        sessions.add(value);
        issued.push(value);
        return send(204, undefined, { 'set-cookie': `${COOKIE}=${value}; Path=${BASE}; Secure; HttpOnly` });
      }
      const cookie = /(?:^|;\s*)crsession=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (cookie === undefined || !sessions.has(cookie)) return send(401, { error: 'no session; log in first' });
      if (route === `POST ${BASE}/logout`) {
        sessions.delete(cookie);
        return send(204);
      }
      if (route === `GET ${BASE}/items`) return send(200, { items: [...store.values()] });
      const m = /^\/api\/items\/([^/]+)(\/archive)?$/.exec(url.pathname);
      const item = m ? store.get(decodeURIComponent(m[1]!)) : undefined;
      if (!m || (req.method === 'GET') === Boolean(m[2]) || (req.method !== 'GET' && req.method !== 'POST')) return send(404, { error: `no route ${route}` });
      if (!item) return send(404, { error: `no item ${m[1]}` });
      if (m[2]) item.archived = true;
      return send(200, item);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem: pki.ca.cert,
    items: store,
    counts: () => ({ ...counts }),
    issuedCookies: () => [...issued],
    liveSessions: () => sessions.size,
    expireSessions: () => sessions.clear(),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      pki.remove();
    },
  };
}

// The lean undici entry every Node bundle uses (scripts/esbuild-undici-lean.mjs,
// scripts/undici-lean.mjs): it has every undici export src imports, they are undici's own
// objects, its `request` behaves as undici's with a dispatcher and refuses a call without one,
// and the built bundles carry none of undici's fetch, WebSocket, mocks or caches; its HTTP/2
// client is loaded on first use, and HTTP/2 upstreams are answered or refused as undici does.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { nodeBundleOptions } from '../../scripts/build.mjs';
import { UNDICI_LEAN_ENTRY } from '../../scripts/esbuild-undici-lean.mjs';
import { ROOT } from '../renderer/renderer-harness.js';
import { createTestPki, type TestPki } from '../support/openssl-pki.js';

type RequestFn = (url: string | URL, opts?: Record<string, unknown> | null) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: { text(): Promise<string> } }>;
const lean = (await import(pathToFileURL(UNDICI_LEAN_ENTRY).href)) as Record<string, unknown> & { request: RequestFn; Agent: new () => { close(): Promise<void> } };
const full = createRequire(import.meta.url)('undici') as Record<string, unknown> & { request: RequestFn };

/** Every value (non-type) name src imports from 'undici', with the file that imports it. */
function undiciValueImports(): Map<string, string> {
  const names = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mts|js|mjs)$/.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+['"]undici['"]/g)) {
          if (m[1]) continue;
          for (const part of (m[2] ?? '').split(',')) {
            const spec = part.trim();
            if (spec === '' || spec.startsWith('type ')) continue;
            names.set(spec.split(/\s+as\s+/)[0]!.trim(), path.relative(ROOT, p));
          }
        }
        assert.doesNotMatch(text, /import\s+\*\s+as\s+\w+\s+from\s+['"]undici['"]|import\s+\w+\s+from\s+['"]undici['"]|require\(['"]undici['"]\)/, `${p}: import named undici exports so the lean entry can be checked`);
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return names;
}

describe('the lean undici entry', () => {
  let server: http.Server;
  let origin: string;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/elsewhere' });
        return void res.end();
      }
      res.setHeader('x-method', req.method ?? '');
      res.end(`${req.method} ${req.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('exports every undici value src imports, as undici’s own objects', () => {
    const names = undiciValueImports();
    assert.ok(names.has('Agent') && names.has('request') && names.has('buildConnector'), `src's undici imports were found: ${[...names.keys()].join(', ')}`);
    for (const [name, file] of names) {
      assert.ok(name in lean, `${file} imports ${name} from undici, which scripts/undici-lean.mjs does not export; add it there`);
      if (name !== 'request') assert.equal(lean[name], full[name], `${name} is undici's own`);
    }
    // Every dispatcher has undici's request/stream/… methods, as index.js gives them.
    assert.equal(typeof (lean['Dispatcher'] as { prototype: Record<string, unknown> }).prototype['request'], 'function');
  });

  it('an esbuild bundle that imports an undici export the lean entry lacks fails to build', async () => {
    const { build } = await import('esbuild');
    const { undiciLean } = await import('../../scripts/esbuild-undici-lean.mjs');
    const bundle = (code: string) => build({ stdin: { contents: code, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'silent', plugins: [undiciLean] });
    await assert.rejects(bundle("import { fetch } from 'undici'; console.log(fetch);"), /No matching export in "scripts\/undici-lean\.mjs" for import "fetch"/);
    const ok = await bundle("import { Agent, request, buildConnector } from 'undici'; console.log(Agent, request, buildConnector);");
    assert.doesNotMatch(ok.outputFiles[0]!.text, /node_modules\/undici\/index\.js/);
  });

  it('request with a dispatcher answers as undici’s request does', async () => {
    const agent = new lean.Agent();
    try {
      for (const [url, opts] of [
        [`${origin}/a?b=1`, {}],
        [origin, { path: 'x/y?z=2' }],
        [new URL(`${origin}/u`), { method: 'POST', body: 'hi' }],
        [`${origin}/put`, { body: 'hi' }],
      ] as const) {
        const mine = await lean.request(url, { ...opts, dispatcher: agent });
        const theirs = await full.request(url, { ...opts, dispatcher: agent });
        assert.equal(mine.statusCode, theirs.statusCode);
        assert.equal(mine.headers['x-method'], theirs.headers['x-method']);
        assert.equal(await mine.body.text(), await theirs.body.text());
      }
    } finally {
      await agent.close();
    }
  });

  // Security: connectors pass maxRedirections: 0 so a redirect is reported, never followed with
  // the credential headers (p6-send.ts, p6-exchange.ts); undici 7 refuses any other value.
  it('a redirect is answered, not followed, and maxRedirections other than 0 is refused, as undici does', async () => {
    const agent = new lean.Agent();
    try {
      let hits = 0;
      const count = (): void => void hits++;
      server.on('request', count);
      for (const req of [lean.request, full.request]) {
        const res = await req(`${origin}/redirect`, { dispatcher: agent, maxRedirections: 0 });
        assert.equal(res.statusCode, 302);
        assert.equal(res.headers['location'], '/elsewhere');
        await res.body.text();
      }
      server.off('request', count);
      assert.equal(hits, 2, 'one request each, no second one to the Location');
      const theirs = await full.request(`${origin}/redirect`, { dispatcher: agent, maxRedirections: 3 }).then(() => undefined, (e: Error) => e);
      assert.ok(theirs, 'undici refuses maxRedirections: 3');
      await assert.rejects(lean.request(`${origin}/redirect`, { dispatcher: agent, maxRedirections: 3 }), { name: theirs.name, message: theirs.message });
    } finally {
      await agent.close();
    }
  });

  it('request refuses bad arguments as undici does', () => {
    const agent = new lean.Agent();
    for (const [url, opts] of [
      ['', { dispatcher: agent }],
      [origin, 'nope'],
      [origin, { path: 3, dispatcher: agent }],
      [origin, { agent: {}, dispatcher: agent }],
    ] as const) {
      const theirs = (() => {
        try {
          void full.request(url, opts as never);
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      assert.ok(theirs, `undici refuses ${JSON.stringify(opts)}`);
      assert.throws(() => lean.request(url, opts as never), { name: theirs.name, message: theirs.message });
    }
    void agent.close();
  });

  // Security: the global dispatcher has no pin and trusts the system's CAs; a request that
  // forgot its pinned Agent must fail, not go out unpinned.
  it('request without a dispatcher is refused, never sent through a global dispatcher', () => {
    let hits = 0;
    server.once('request', () => hits++);
    assert.throws(() => lean.request(`${origin}/x`), { code: 'UND_ERR_INVALID_ARG', message: /dispatcher is required/ });
    assert.throws(() => lean.request(`${origin}/x`, { method: 'GET' }), { code: 'UND_ERR_INVALID_ARG', message: /dispatcher is required/ });
    assert.equal(hits, 0);
  });

  // The Node entry points bundled as scripts/build.mjs and build-electron.mjs bundle them (in
  // memory: dist/ may be rebuilt by another test file meanwhile, e.g. scripts/start.mjs), and
  // every esbuild call of those two scripts lists the plugin. (The request body mixin and the
  // HTTP/2 client need a few of fetch's helpers; fetch itself stays out.)
  it('every Node bundle uses it: no undici fetch, WebSocket, mocks or caches', async () => {
    const { build } = await import('esbuild');
    const { undiciLean } = await import('../../scripts/esbuild-undici-lean.mjs');
    const { zodEnglishOnly } = await import('../../scripts/esbuild-zod-english.mjs');
    const entries = ['src/mcp/p6/index.ts', 'src/mcp/vsphere/index.ts', 'src/main/index.ts', 'src/cli/index.ts'];
    const result = await build({
      entryPoints: entries.map((e) => path.join(ROOT, e)), outdir: path.join(ROOT, 'dist-never-written'), bundle: true, splitting: true, platform: 'node', target: 'node20',
      format: 'esm', write: false, metafile: true, logLevel: 'silent', external: ['@napi-rs/keyring', 'electron'], plugins: [zodEnglishOnly, undiciLean],
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.includes('scripts/undici-lean.mjs'), 'undici resolves to the lean entry');
    assert.ok(inputs.includes('node_modules/undici/lib/dispatcher/agent.js'), 'undici is bundled at all');
    const full = inputs.filter((i) => /^node_modules\/undici\/(index\.js|lib\/web\/fetch\/index\.js|lib\/web\/websocket\/|lib\/web\/eventsource\/|lib\/mock\/|lib\/cache\/|lib\/interceptor\/)/.test(i));
    assert.deepEqual(full, [], "none of undici's fetch, WebSocket, mocks or caches");
    for (const [script, calls] of [['scripts/build.mjs', 3], ['scripts/build-electron.mjs', 1]] as const) {
      const text = fs.readFileSync(path.join(ROOT, script), 'utf8');
      // build.mjs: the servers and the CLI share nodeEsm (2 calls), the bridge has its own list.
      const uses = (text.match(/plugins: \[[^\]]*undiciLean[^\]]*\]/g) ?? []).length + (script === 'scripts/build.mjs' && /\.\.\.nodeEsm/.test(text) ? 1 : 0);
      assert.equal(uses, calls, `${script}: every Node esbuild call lists undiciLean`);
    }
  });
});

// undici's client.js requires its HTTP/2 client, which requires node:http2 (and with it tls,
// fs/promises, readline) at load; the lean build hands client.js that client on first use
// (scripts/esbuild-undici-lean.mjs). KeyBroker's dispatchers offer HTTP/1.1 only, so a
// child never loads it; an Agent that negotiates h2 still gets undici's own HTTP/2 client.
describe("the lean undici's HTTP/2 client, loaded on first use", () => {
  let pki: TestPki;
  let tmp: string;
  const servers: http2.Http2SecureServer[] = [];
  let probeEnv: Record<string, string>;
  before(async () => {
    pki = createTestPki();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-undici-h2-'));
    const leaf = pki.issue('IP:127.0.0.1');
    const urls: string[] = [];
    for (const allowHTTP1 of [true, false]) {
      const server = http2.createSecureServer({ key: leaf.key, cert: leaf.cert, allowHTTP1 }, (req, res) => res.end(`HTTP/${req.httpVersion}`));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      urls.push(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    }
    probeEnv = { PATH: process.env['PATH'] ?? '', PROBE: JSON.stringify({ both: urls[0], h2Only: urls[1], ca: pki.ca.cert }) };
  });
  after(async () => {
    for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
    fs.rmSync(tmp, { recursive: true, force: true });
    pki.remove();
  });

  const probe = async (args: string[]): Promise<{ atStart: boolean; afterProduct: boolean; afterH2: boolean; results: Record<string, string> }> => {
    const { stdout } = await promisify(execFile)(process.execPath, args, { env: probeEnv, cwd: ROOT, timeout: 30_000 });
    return JSON.parse(stdout) as never;
  };

  it('a bundle loads no node:http2 for HTTP/1.1 upstreams, and answers and refuses as undici itself does', async () => {
    const { build } = await import('esbuild');
    const outfile = path.join(tmp, 'probe.mjs');
    // The product's options for a Node bundle (the lean undici included), as the children are built.
    await build({ ...nodeBundleOptions({ quiet: true }), sourcemap: false, logLevel: 'silent', entryPoints: [path.join(ROOT, 'test', 'fixtures', 'undici-h2-probe.ts')], outfile });
    const lean = await probe([outfile]);
    const own = await probe(['--import', 'tsx', path.join(ROOT, 'test', 'fixtures', 'undici-h2-probe.ts')]);
    assert.deepEqual(lean.results, own.results, 'same answers and refusals as undici itself');
    assert.deepEqual(lean.results, {
      'product dispatcher, h2 and HTTP/1.1 server': '200 HTTP/1.1',
      'product dispatcher, h2-only server': lean.results['product dispatcher, h2-only server'],
      'allowH2 Agent, h2 and HTTP/1.1 server': '200 HTTP/2.0',
    });
    assert.match(lean.results['product dispatcher, h2-only server']!, /^error /, 'an h2-only upstream is refused (the product offers HTTP/1.1 only)');
    assert.deepEqual([own.atStart, own.afterProduct], [true, true], 'undici itself loads node:http2 with its client');
    assert.deepEqual([lean.atStart, lean.afterProduct, lean.afterH2], [false, false, true], 'the lean bundle loads it when an Agent first speaks h2');
  });
});

// KeyBroker installed as a project's dependency (its package inside the project's
// node_modules), in the real bubblewrap, started the way the host starts a built-in server:
// the spec from serverSpecs, the NodeLauncher, the sandbox detectSandbox would build. A
// compromised child reads none of the project's other packages, nothing left in its
// node_modules and none of KeyBroker's own package (the keyring's native module); the real
// server still starts and answers from its three files. D182.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../../../src/base/contracts/config.js';
import { serverSpecs } from '../../../../src/platform/host/server-specs.js';
import type { LaunchedChild } from '../../../../src/platform/supervisor/launcher.js';
import { NodeLauncher } from '../../../../src/platform/supervisor/node-launcher.js';
import { BubblewrapSandbox } from '../../../../src/platform/supervisor/sandbox/bubblewrap.js';
import type { ServerSpec } from '../../../../src/platform/supervisor/server-spec.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const bwrap = ['/usr/bin/bwrap', '/bin/bwrap'].find((p) => fs.existsSync(p));
const built = fs.existsSync(path.join(ROOT, 'dist', 'mcp', 'vsphere', 'index.cjs'));
const skip = (process.platform !== 'linux' || !bwrap) ? 'Linux with bubblewrap only' : !built && 'needs the build (node scripts/build.mjs)';

/** The next line a child logs that starts with `prefix`, without it. */
function nextLog(child: LaunchedChild, prefix: string): Promise<string> {
  return new Promise((resolve) => {
    const sub = child.onLog((line) => {
      const at = line.indexOf(prefix);
      if (at < 0) return;
      sub.dispose();
      resolve(line.slice(at + prefix.length));
    });
  });
}

/** The answer to the request with `id` on the child's MCP channel. */
function answer(child: LaunchedChild, id: number): Promise<{ result?: { tools?: unknown[] } }> {
  return new Promise((resolve) => {
    const sub = child.onMessage((m) => {
      const f = m as { ch?: string; msg?: { id?: number } };
      if (f.ch !== 'mcp' || f.msg?.id !== id) return;
      sub.dispose();
      resolve(f.msg as { result?: { tools?: unknown[] } });
    });
  });
}

const exited = (child: LaunchedChild) => new Promise<number | null>((r) => child.onExit((code) => r(code)));

describe('KeyBroker installed as a dependency, in the real bubblewrap', { skip }, () => {
  // Not under /tmp: the sandbox's /tmp is its own tmpfs, which would hide the project anyway.
  let root = '';
  const secrets: Record<string, string> = {};
  const layouts: Record<string, string> = {};

  /** A project with KeyBroker in its node_modules at `rel` (the folder holding its package.json). */
  function project(name: string, rel: string, link?: string): string {
    const proj = path.join(root, name);
    const kb = path.join(proj, rel);
    fs.mkdirSync(path.join(kb, 'dist'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'dist', 'mcp'), path.join(kb, 'dist', 'mcp'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(kb, 'package.json'));
    // What npm hoists beside it: the keyring module (native) KeyBroker's host loads.
    fs.cpSync(path.join(ROOT, 'node_modules', '@napi-rs'), path.join(proj, 'node_modules', '@napi-rs'), { recursive: true, dereference: true });
    // pnpm's layout: node_modules/keybroker is a link into node_modules/.pnpm.
    if (link) fs.symlinkSync(kb, path.join(proj, link));
    const put = (key: string, file: string) => {
      const p = path.join(proj, file);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, `${key}-visible`);
      secrets[`${name}:${key}`] = p;
    };
    put('otherPackage', 'node_modules/other-pkg/secret.txt');
    put('cacheToken', 'node_modules/.cache/tool/token');
    put('dotenv', '.env');
    put('envCopy', 'node_modules/.env');
    secrets[`${name}:keyring`] = path.join(proj, 'node_modules', '@napi-rs', 'keyring', 'package.json');
    secrets[`${name}:ownPackage`] = path.join(kb, 'package.json');
    secrets[`${name}:sourceMap`] = path.join(kb, 'dist', 'mcp', 'vsphere', 'server.cjs.map');
    return path.join(proj, link ?? rel, 'dist');
  }

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync('/var/tmp/kb-depsbox-'));
    layouts.npm = project('npm-proj', 'node_modules/keybroker');
    layouts.pnpm = project('pnpm-proj', 'node_modules/.pnpm/keybroker@0.2.0/node_modules/keybroker', 'node_modules/keybroker');
  });
  after(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  /** The built-in vSphere server as the host would start it from `distDir`. */
  const vsphere = (distDir: string): ServerSpec => {
    const spec = serverSpecs({ servers: [] } as unknown as Config, distDir).find((s) => s.name === 'vsphere');
    assert.ok(spec, `no vsphere server in ${distDir}`);
    return spec;
  };
  const launcher = () => new NodeLauncher({ sandbox: new BubblewrapSandbox({ bwrap: bwrap!, nodePath: process.execPath, arch: process.arch }), hide: [root + '-home'] });

  for (const kind of ['npm', 'pnpm'] as const) {
    it(`Security: (${kind}) a compromised vSphere child reads no other package, nothing left in node_modules, no .env and none of KeyBroker's package`, async () => {
      const spec = vsphere(layouts[kind]!);
      // The child's own code, planted ahead of the server through the node flags: what a
      // compromised server could run, in the same sandbox and with the same files bound.
      const probe = `import fs from 'node:fs';const o={};for(const [k,p] of ${JSON.stringify(Object.entries(secrets))}){try{o[k]=fs.readFileSync(p,'utf8').slice(0,40)}catch(e){o[k]=e.code}}try{o.own=fs.readFileSync(${JSON.stringify(spec.modulePath)},'utf8').length>0}catch(e){o.own=e.code}process.stderr.write('PROBE '+JSON.stringify(o)+'\\n');process.exit(0)`;
      const child = launcher().launch({ ...spec, execArgv: [...(spec.execArgv ?? []), '--import', `data:text/javascript,${encodeURIComponent(probe)}`], env: { PATH: '/usr/bin:/bin' } });
      const [line, code] = await Promise.all([nextLog(child, 'PROBE '), exited(child)]);
      assert.equal(code, 0, `the probe ran and exited 0: ${line}`);
      const seen = JSON.parse(line) as Record<string, string | boolean>;
      assert.equal(seen.own, true, 'the child reads its own entry');
      delete seen.own;
      assert.deepEqual(seen, Object.fromEntries(Object.keys(secrets).map((k) => [k, 'ENOENT'])), 'the child sees none of the project');
    });

    it(`(${kind}) the real vSphere server starts from its own files and answers initialize and tools/list`, async () => {
      const spec = vsphere(layouts[kind]!);
      assert.deepEqual(spec.reads?.map((r) => path.basename(r)), ['index.cjs', 'server.cjs', 'server.v8cache'], 'the spec names the three files');
      const child = launcher().launch({ ...spec, env: { PATH: '/usr/bin:/bin', KEYBROKER_CODE_CACHE_TRACE: '1' } });
      const done = exited(child);
      const cache = nextLog(child, 'code cache: ');
      const init = answer(child, 1);
      child.send({ ch: 'mcp', msg: { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '0' } } } });
      await init;
      const list = answer(child, 2);
      child.send({ ch: 'mcp', msg: { jsonrpc: '2.0', method: 'notifications/initialized' } });
      child.send({ ch: 'mcp', msg: { jsonrpc: '2.0', id: 2, method: 'tools/list' } });
      const tools = (await list).result?.tools ?? [];
      assert.ok(tools.length > 0, 'the server lists its tools');
      assert.equal(await cache, 'accepted', 'the child read its code cache too');
      child.kill('SIGTERM');
      await done;
    });
  }
});

// A node installed under the home (~/bin, ~/dev/bin, nvm's version folder), in the real
// bubblewrap: the child starts from the binary alone and reads nothing else of that home, not
// even the other files of node's own install folder. D162.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BubblewrapSandbox } from '../../../../src/platform/supervisor/sandbox/bubblewrap.js';

const bwrap = ['/usr/bin/bwrap', '/bin/bwrap'].find((p) => fs.existsSync(p));
const skip = (process.platform !== 'linux' || !bwrap) && 'Linux with bubblewrap only';

/** Runs `code` with the node at `nodePath` in the sandbox; what it prints, and its exit code. */
async function runIn(home: string, nodePath: string, code: string): Promise<{ out: string; err: string; code: number | null }> {
  // riscv64: no seccomp program, so only the mounts keep the home out of sight (the weakest case).
  const sandbox = new BubblewrapSandbox({ bwrap: bwrap!, nodePath, arch: 'riscv64', hide: [home, path.join(home, '.config'), path.join(home, '.local', 'share')] });
  const app = path.join(home, '..', path.basename(home) + '-app');
  const w = sandbox.wrap({ file: nodePath, args: ['-e', code], env: { PATH: '/usr/bin:/bin' }, modulePath: path.join(app, 'server.mjs') });
  const child = spawn(w.file, [...w.args], { env: { ...w.env }, cwd: w.cwd, stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'ignore', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exit = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { out, err, code: exit };
}

describe('a node installed under the home, in the real bubblewrap', { skip }, () => {
  // Not under /tmp: the sandbox's /tmp is its own tmpfs, which would hide everything anyway.
  let root = '';
  let home = '';
  const files: Record<string, string> = {};
  before(() => {
    root = fs.mkdtempSync('/var/tmp/kb-node-home-');
    home = path.join(root, 'home');
    fs.mkdirSync(path.join(root, 'home-app'), { recursive: true });
    fs.writeFileSync(path.join(root, 'home-app', 'package.json'), '{}');
    const put = (name: string, rel: string) => {
      const p = path.join(home, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, 'visible');
      files[name] = p;
    };
    put('ssh', '.ssh/id_ed25519');
    put('kb', '.config/keybroker/config.json');
    put('env', 'dev/project/.env'); // beside ~/dev/bin/node: in its "prefix"
    put('npmGlobal', '.nvm/versions/node/v22.0.0/lib/node_modules/tool/token'); // in nvm's version folder
    put('nvmrc', '.nvm/.npmrc');
    const first = path.join(home, 'bin', 'node');
    fs.mkdirSync(path.dirname(first), { recursive: true });
    // A real copy of the node running the tests (a clone where the file system can), then links.
    fs.copyFileSync(fs.realpathSync(process.execPath), first, fs.constants.COPYFILE_FICLONE);
    fs.chmodSync(first, 0o755);
    for (const rel of ['dev/bin/node', '.nvm/versions/node/v22.0.0/bin/node']) {
      fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
      fs.linkSync(first, path.join(home, rel));
    }
  });
  after(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const reader = () => `const fs=require('fs');const o={};for(const [k,p] of ${JSON.stringify(Object.entries(files))}){try{o[k]=fs.readFileSync(p,'utf8')}catch(e){o[k]=e.code}}console.log(JSON.stringify(o))`;

  for (const rel of ['bin/node', 'dev/bin/node', '.nvm/versions/node/v22.0.0/bin/node']) {
    it(`Security: node in ~/${rel} starts, and the child reads no other file of the home (its own install folder included), even without seccomp`, async () => {
      const r = await runIn(home, path.join(home, rel), reader());
      assert.equal(r.code, 0, r.err);
      const seen = JSON.parse(r.out.trim()) as Record<string, string>;
      assert.deepEqual(seen, Object.fromEntries(Object.keys(files).map((k) => [k, 'ENOENT'])));
    });
  }
});

// Security/integrity rule (D144): two processes changing config.json at once never
// lose a change. ConfigStore.update holds `config.json.lock` around its load-change-save; a
// second process waits for it, and one that waits too long says who holds it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { waitFor } from '../../support/keybroker-cli.js';

const CHILD = path.resolve(import.meta.dirname, '../../fixtures/config/update-child.ts');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-config-lock-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshHome = () => path.join(root, `home-${n++}`);
const ids = (home: string) => new ConfigStore(home).load().endpoints.map((e) => e.id).sort();

/** `update-child.ts home id [gate]` as its own process; resolves with its exit code and output. */
function updateChild(home: string, id: string, gate?: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, id, ...(gate ? [gate] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const done = new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
  return { child, done };
}

describe('ConfigStore.update across processes', () => {
  it('keeps a second process out while one is between its load and its save, so neither change is lost', async () => {
    const home = freshHome();
    const gate = path.join(root, `gate-${n++}`);
    fs.mkdirSync(gate);
    const first = updateChild(home, 'a', gate);
    try {
      await waitFor('the first change to be inside update()', () => (fs.existsSync(path.join(gate, 'inside')) ? true : undefined));
      // Without the lock the second process loads the empty config, saves `b` and exits 0,
      // and the first then saves `a` over it: `b` is lost although its command said done.
      const second = await updateChild(home, 'b').done;
      assert.equal(second.code, 1, `the second change ran while the first was in progress: ${second.out}`);
      assert.match(second.out, new RegExp(`^CORE_CONFIG_LOCKED: config\\.json is being changed by pid ${first.child.pid} \\(lock ${path.join(home, 'config.json.lock').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) and it did not finish; retry in a moment`));
    } finally {
      fs.writeFileSync(path.join(gate, 'go'), '');
    }
    assert.deepEqual(await first.done, { code: 0, out: 'added a\n' });
    assert.equal(fs.existsSync(path.join(home, 'config.json.lock')), false, 'the lock outlived its change');
    assert.deepEqual((await updateChild(home, 'b').done).code, 0);
    assert.deepEqual(ids(home), ['a', 'b']);
  });

  it('loses none of six changes made at once', async () => {
    const home = freshHome();
    const names = Array.from({ length: 6 }, (_, i) => `c${i}`);
    const results = await Promise.all(names.map((id) => updateChild(home, id).done));
    assert.deepEqual(results.map((r) => r.code), names.map(() => 0), results.map((r) => r.out).join(''));
    assert.deepEqual(ids(home), names);
  });
});

// Issue 17 item 5: the cached tool manifest is keyed by the server's spec and bundle bytes,
// written atomically with mode 0600, and anything unreadable counts as no manifest.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { manifestKey, ToolManifests } from '../../../src/platform/gateway/tool-manifest.js';
import type { ServerSpec } from '../../../src/platform/supervisor/server-spec.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-manifest-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const bundle = path.join(dir, 'server.js');
fs.writeFileSync(bundle, 'export const v = 1;\n');
const spec: ServerSpec = { name: 'vsphere', kind: 'vsphere', modulePath: bundle };
const tools = [{ name: 'echo', description: 'Echo', inputSchema: { type: 'object' as const, properties: { text: { type: 'string' } } }, annotations: { readOnlyHint: true } }];

describe('ToolManifests (issue 17)', () => {
  it('gives back what was written under the same key, with the instructions; the file is 0600', () => {
    const store = new ToolManifests(dir);
    const key = manifestKey(spec);
    store.write('vsphere', key, { tools, instructions: 'pick an endpoint' });
    assert.deepEqual(store.read('vsphere', key), { tools, instructions: 'pick an endpoint' });
    assert.equal(new ToolManifests(dir).read('p6', key), undefined);
    assert.equal(fs.statSync(store.file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
  });

  it('a new build of the bundle, or a changed spec, is a different key: the old list is not served', () => {
    const store = new ToolManifests(dir);
    const before = manifestKey(spec);
    store.write('vsphere', before, { tools });
    assert.notEqual(manifestKey({ ...spec, execArgv: ['--max-semi-space-size=1'] }), before);
    assert.notEqual(manifestKey({ ...spec, kind: 'p6' }), before);
    fs.writeFileSync(bundle, 'export const v = 2;\n');
    const after = manifestKey(spec);
    assert.notEqual(after, before);
    assert.equal(store.read('vsphere', after), undefined);
    assert.equal(manifestKey({ ...spec, modulePath: path.join(dir, 'missing.js') }), undefined);
    assert.equal(store.read('vsphere', undefined), undefined);
  });

  it('a damaged or hand-edited file counts as no manifest', () => {
    const store = new ToolManifests(dir);
    const key = manifestKey(spec)!;
    fs.writeFileSync(store.file, '{"version":1,"servers":{"vsphere":{"key":"' + key + '","tools":[{"name":1}]}}}');
    assert.equal(store.read('vsphere', key), undefined);
    fs.writeFileSync(store.file, 'not json');
    assert.equal(store.read('vsphere', key), undefined);
    store.write('vsphere', key, { tools });
    assert.deepEqual(store.read('vsphere', key), { tools });
  });
});

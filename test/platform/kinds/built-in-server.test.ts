import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { builtInServer } from '../../../src/platform/kinds/built-in-server.js';

describe('builtInServer()', () => {
  it('is present once built: dist/mcp/<folder>/index.cjs', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-built-in-'));
    try {
      const s = builtInServer('demo');
      assert.equal(s.modulePath(dist), undefined, 'absent before the build');
      fs.mkdirSync(path.join(dist, 'mcp', 'demo'), { recursive: true });
      fs.writeFileSync(path.join(dist, 'mcp', 'demo', 'index.cjs'), '');
      assert.equal(s.modulePath(dist), path.join(dist, 'mcp', 'demo', 'index.cjs'), 'the entry once built');
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });

  it('Security: names exactly its entry, bundle and code cache as the files the child reads (D182)', () => {
    assert.deepEqual(builtInServer('demo').reads?.('/k/dist'), ['/k/dist/mcp/demo/index.cjs', '/k/dist/mcp/demo/server.cjs', '/k/dist/mcp/demo/server.v8cache']);
  });

  it('carries node flags and fixed variables only when there are some', () => {
    assert.ok(!('execArgv' in builtInServer('demo')), 'no flags given');
    assert.ok(!('execArgv' in builtInServer('demo', [])), 'an empty list is no flags');
    assert.deepEqual(builtInServer('demo', ['--liftoff-only']).execArgv, ['--liftoff-only']);
    assert.ok(!('env' in builtInServer('demo')), 'no variables given');
    assert.deepEqual(builtInServer('demo', undefined, { A: '1' }).env, { A: '1' });
  });
});

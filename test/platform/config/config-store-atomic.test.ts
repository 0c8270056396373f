// Security rule (issue 12): config.json is replaced atomically. A reader (the host reloading,
// the app's settings window) sees the old file or the new one, never a partial one; a crash
// mid-write leaves the old file intact. Proven by the rename: the path gets a new inode
// while a reader that opened the old one still reads the old content, whole.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { emptyConfig, type Config } from '../../../src/base/contracts/config.js';

const withEndpoints = (n: number): Config => ({
  ...emptyConfig(),
  endpoints: Array.from({ length: n }, (_, i) => ({
    id: `vc${i}`, kind: 'vsphere' as const, url: `https://vc${i}.corp.example/sdk`, username: 'svc', readOnly: false,
    tls: { verify: true }, credential: `endpoint:vc${i}`,
  })),
  credentials: Array.from({ length: n }, (_, i) => ({ id: `endpoint:vc${i}`, ttlSeconds: 14400 })),
});

describe('ConfigStore atomic replace', () => {
  it('replaces config.json by rename: a new inode, and an open reader keeps the whole old file', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-config-atomic-'));
    try {
      const store = new ConfigStore(home);
      store.save(withEndpoints(50));
      const oldText = fs.readFileSync(store.paths.config, 'utf8');
      const before = fs.statSync(store.paths.config);
      const reader = fs.openSync(store.paths.config, 'r');
      try {
        store.save(withEndpoints(1)); // Shorter: an in-place write would truncate under the reader.
        const after = fs.statSync(store.paths.config);
        assert.notEqual(after.ino, before.ino, 'config.json was written in place, not replaced');
        assert.equal(fs.readFileSync(reader, 'utf8'), oldText, 'the reader saw a changed file');
        assert.equal(after.mode & 0o777, 0o600);
      } finally {
        fs.closeSync(reader);
      }
      assert.deepEqual(store.load(), withEndpoints(1));
      assert.deepEqual(fs.readdirSync(home).filter((f) => f.includes('config')), ['config.json'], 'no temp file left');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('leaves the old file untouched when the new config is invalid', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-config-atomic-'));
    try {
      const store = new ConfigStore(home);
      store.save(withEndpoints(2));
      const oldText = fs.readFileSync(store.paths.config, 'utf8');
      const ino = fs.statSync(store.paths.config).ino;
      assert.throws(() => store.save({ ...withEndpoints(1), endpoints: [{ ...withEndpoints(1).endpoints[0]!, url: 'not a url' }] }), 'a config with a bad URL is not saved');
      assert.equal(fs.readFileSync(store.paths.config, 'utf8'), oldText);
      assert.equal(fs.statSync(store.paths.config).ino, ino);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { emptyConfig, type Config } from '../../../src/base/contracts/config.js';
import { ConfigInvalidError } from '../../../src/base/errors/config-invalid-error.js';

const validConfig = (): Config => ({
  ...emptyConfig(),
  endpoints: [{
    id: 'vc1', kind: 'vsphere', url: 'https://vc1.corp.example/sdk', username: 'svc', readOnly: false,
    tls: { verify: true }, credential: 'endpoint:vc1',
  }],
  credentials: [{ id: 'endpoint:vc1', ttlSeconds: 14400 }],
});

describe('ConfigStore', () => {
  let home: string;
  beforeEach(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-config-')); });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('returns an empty config when the file does not exist', () => {
    assert.deepEqual(new ConfigStore(home).load(), emptyConfig());
  });

  it('saves with mode 0600 in a 0700 home and loads back the same config', () => {
    const sub = path.join(home, 'kb');
    const store = new ConfigStore(sub);
    store.save(validConfig());
    assert.equal(fs.statSync(store.paths.config).mode & 0o777, 0o600);
    assert.equal(fs.statSync(sub).mode & 0o777, 0o700);
    assert.deepEqual(store.load(), validConfig());
    // No temp files are left beside it.
    assert.deepEqual(fs.readdirSync(sub), ['config.json']);
  });

  it('tightens a home folder that is readable by others', () => {
    fs.chmodSync(home, 0o755);
    new ConfigStore(home).save(validConfig());
    assert.equal(fs.statSync(home).mode & 0o777, 0o700);
  });

  it('reports a bad field by its path in one line and leaves the file untouched', () => {
    const store = new ConfigStore(home);
    const bad = JSON.stringify({ ...validConfig(), endpoints: [{ ...validConfig().endpoints[0], tls: { verify: 'yes' } }] });
    fs.writeFileSync(store.paths.config, bad, { mode: 0o600 });
    const before = fs.statSync(store.paths.config);
    assert.throws(() => store.load(), (e: unknown) => {
      assert.ok(e instanceof ConfigInvalidError, 'a bad config is refused with ConfigInvalidError');
      assert.equal(e.fieldPath, 'endpoints[0].tls.verify');
      assert.match(e.message, /endpoints\[0\]\.tls\.verify/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
    assert.equal(fs.readFileSync(store.paths.config, 'utf8'), bad);
    assert.equal(fs.statSync(store.paths.config).mtimeMs, before.mtimeMs);
  });

  it('reports invalid JSON in one line and does not rewrite the file', () => {
    const store = new ConfigStore(home);
    fs.writeFileSync(store.paths.config, '{"version": 1,', { mode: 0o600 });
    assert.throws(() => store.load(), /not valid JSON.*move it aside/);
    assert.equal(fs.readFileSync(store.paths.config, 'utf8'), '{"version": 1,');
  });

  it('rejects an endpoint whose credential is not declared', () => {
    const store = new ConfigStore(home);
    const cfg = { ...validConfig(), credentials: [] };
    assert.throws(() => store.save(cfg), (e: unknown) => e instanceof ConfigInvalidError && e.fieldPath === 'endpoints[0].credential');
    assert.equal(fs.existsSync(store.paths.config), false);
  });

  it('rejects unknown keys so typos do not silently do nothing', () => {
    const store = new ConfigStore(home);
    fs.writeFileSync(store.paths.config, JSON.stringify({ ...validConfig(), endpoint: [] }));
    assert.throws(() => store.load(), /\(root\).*endpoint/);
  });

  it('refuses a config that turns TLS verification off', () => {
    const store = new ConfigStore(home);
    const cfg = validConfig();
    const raw = JSON.parse(JSON.stringify(cfg));
    raw.endpoints[0].tls.verify = false;
    fs.writeFileSync(store.paths.config, JSON.stringify(raw));
    assert.throws(() => store.load(), (e: unknown) => e instanceof ConfigInvalidError && e.fieldPath === 'endpoints[0].tls.verify');
  });
});

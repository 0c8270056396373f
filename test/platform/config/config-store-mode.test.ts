// issue 10 item 9: a config.json wider than 0600 is tightened with a note, and a hand-edited
// file gets the same URL rule as `keybroker endpoint add` (https, http only for loopback).
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigStore } from '../../../src/platform/config/config-store.js';
import { emptyConfig } from '../../../src/base/contracts/config.js';
import { ConfigInvalidError } from '../../../src/base/errors/config-invalid-error.js';

const withUrl = (url: string) => ({
  ...emptyConfig(),
  endpoints: [{ id: 'vc1', kind: 'vsphere', url, username: 'svc', readOnly: false, tls: { verify: true }, credential: 'endpoint:vc1' }],
  credentials: [{ id: 'endpoint:vc1', ttlSeconds: 14400 }],
});

describe('ConfigStore file mode and URL rule', () => {
  let home: string;
  beforeEach(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-config-mode-')); });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  for (const mode of [0o644, 0o660, 0o606, 0o666]) {
    it(`tightens a config.json left at 0${mode.toString(8)} to 0600 on load, with one note naming the file`, () => {
      const notes: string[] = [];
      const store = new ConfigStore(home, { onNote: (m) => notes.push(m) });
      fs.writeFileSync(store.paths.config, JSON.stringify(withUrl('https://vc1.corp.example/sdk')));
      fs.chmodSync(store.paths.config, mode);
      const before = fs.readFileSync(store.paths.config, 'utf8');
      assert.equal(store.load().endpoints[0]?.id, 'vc1');
      assert.equal(fs.statSync(store.paths.config).mode & 0o777, 0o600);
      assert.equal(fs.readFileSync(store.paths.config, 'utf8'), before, 'the content is not rewritten');
      assert.equal(notes.length, 1);
      assert.match(notes[0]!, new RegExp(`config\\.json was open to other users \\(mode 0${mode.toString(8)}\\); tightened it to 0600`));
      assert.ok(!notes[0]!.includes('\n'), 'the note is one line');
      store.load();
      assert.equal(notes.length, 1, 'no note once the mode is right');
    });
  }

  it('says nothing about a config.json that is already 0600 (or 0400)', () => {
    const notes: string[] = [];
    const store = new ConfigStore(home, { onNote: (m) => notes.push(m) });
    store.save(withUrl('https://vc1.corp.example/sdk') as never);
    store.load();
    fs.chmodSync(store.paths.config, 0o400);
    store.load();
    assert.deepEqual(notes, []);
  });

  it('refuses a hand-edited plain-http URL to a non-loopback host, naming the field', () => {
    const store = new ConfigStore(home, { onNote: () => undefined });
    for (const url of ['http://vc1.corp.example/sdk', 'http://127.0.0.2/sdk', 'http://10.0.0.1/sdk']) {
      fs.writeFileSync(store.paths.config, JSON.stringify(withUrl(url)), { mode: 0o600 });
      assert.throws(() => store.load(), (e: unknown) => e instanceof ConfigInvalidError && e.fieldPath === 'endpoints[0].url' && /must use https \(http is allowed only for localhost/.test(e.message), url);
    }
  });

  it('accepts https anywhere and plain http on loopback, as the CLI does', () => {
    const store = new ConfigStore(home, { onNote: () => undefined });
    for (const url of ['https://vc1.corp.example/sdk', 'http://127.0.0.1:8080/p6ws/restapi', 'http://localhost/sdk', 'http://[::1]:9/sdk']) {
      fs.writeFileSync(store.paths.config, JSON.stringify(withUrl(url)), { mode: 0o600 });
      assert.equal(store.load().endpoints[0]?.url, url);
    }
  });

  it('refuses credentials inside the URL', () => {
    const store = new ConfigStore(home, { onNote: () => undefined });
    fs.writeFileSync(store.paths.config, JSON.stringify(withUrl('https://admin:hunter2@vc1.corp.example/sdk')), { mode: 0o600 });
    assert.throws(() => store.load(), (e: unknown) => e instanceof ConfigInvalidError && e.fieldPath === 'endpoints[0].url' && !e.message.includes('hunter2'));
  });
});

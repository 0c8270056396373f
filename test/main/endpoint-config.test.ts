import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createTestPki } from '../support/openssl-pki.js';
import { Config } from '../../src/base/contracts/config.js';
import { applyEndpointForm, endpointSummaries, removeEndpoint } from '../../src/main/endpoint-config.js';

const empty = Config.parse({ version: 1 });
const form = { id: 'vc1', kind: 'vsphere' as const, url: 'https://vc1.corp.example', username: 'admin', readOnly: false, ttlSeconds: 7200 };

describe('endpoint config from the settings form', () => {
  it('adds, edits and removes an endpoint with its own credential, never storing a password', () => {
    const added = Config.parse(applyEndpointForm(empty, { ...form, password: 'pw' }, 'add'));
    assert.equal(added.endpoints[0]?.credential, 'endpoint:vc1');
    assert.deepEqual(added.credentials, [{ id: 'endpoint:vc1', ttlSeconds: 7200 }]);
    assert.doesNotMatch(JSON.stringify(added), /"pw"/);
    assert.throws(() => applyEndpointForm(added, form, 'add'), { code: 'CORE_SETTINGS_INVALID' });
    const edited = Config.parse(applyEndpointForm(added, { ...form, readOnly: true, ttlSeconds: 3600 }, 'edit'));
    assert.equal(edited.endpoints[0]?.readOnly, true);
    assert.equal(endpointSummaries(edited)[0]?.ttlSeconds, 3600);
    const removed = removeEndpoint(edited, 'vc1');
    assert.equal(removed.credential, 'endpoint:vc1');
    assert.deepEqual(Config.parse(removed.config).endpoints, []);
  });

  it('refuses a P6 endpoint without a database and a non-https URL', () => {
    assert.throws(() => applyEndpointForm(empty, { ...form, kind: 'p6' }, 'add'), /database/);
    assert.throws(() => applyEndpointForm(empty, { ...form, url: 'http://vc1.corp.example' }, 'add'), { code: 'CORE_SETTINGS_INVALID' });
  });

  it('builds a P6 endpoint from its kind fields, with the login variant chosen in the form', () => {
    const cfg = Config.parse(applyEndpointForm(empty, { ...form, id: 'pm', kind: 'p6', url: 'https://p6.corp.example', fields: { database: 'PMDB', loginVariant: 'authToken' } }, 'add'));
    assert.deepEqual(cfg.endpoints[0], {
      id: 'pm', kind: 'p6', url: 'https://p6.corp.example/p6ws/restapi', username: 'admin', tls: { verify: true }, readOnly: false, credential: 'endpoint:pm', database: 'PMDB', loginVariant: 'authToken',
    });
    assert.deepEqual(endpointSummaries(cfg)[0]?.fields, { database: 'PMDB', loginVariant: 'authToken' });
    assert.throws(() => applyEndpointForm(empty, { ...form, kind: 'p6', fields: { database: 'PMDB', loginVariant: 'cookies' } }, 'add'), /Login variant: /);
  });

  it('shares a domain credential, refuses a host outside the domain, and keeps the domain fixed on edit', () => {
    const added = Config.parse(applyEndpointForm(empty, { ...form, domain: 'Corp.Example' }, 'add'));
    assert.equal(added.endpoints[0]?.credential, 'domain:corp.example');
    assert.deepEqual(added.credentials, [{ id: 'domain:corp.example', domain: 'corp.example', ttlSeconds: 7200 }]);
    assert.equal(endpointSummaries(added)[0]?.domain, 'corp.example');
    const second = Config.parse(applyEndpointForm(added, { ...form, id: 'vc2', url: 'https://vc2.corp.example', domain: 'corp.example' }, 'add'));
    assert.deepEqual(second.endpoints.map((e) => e.credential), ['domain:corp.example', 'domain:corp.example']);
    assert.throws(() => applyEndpointForm(empty, { ...form, domain: 'other.example' }, 'add'), /URL host vc1\.corp\.example is not inside Domain other\.example/);
    assert.throws(() => applyEndpointForm(added, form, 'edit'), /domain of vc1 cannot change/);
  });

  it('takes a CA file only as a full path of a PEM certificate, and lists it back', () => {
    const pki = createTestPki();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-ca-'));
    try {
      const ca = path.join(dir, 'ca.pem');
      fs.writeFileSync(ca, pki.ca.cert);
      const cfg = Config.parse(applyEndpointForm(empty, { ...form, caFile: ca }, 'add'));
      assert.equal(cfg.endpoints[0]?.tls.caFile, ca);
      assert.equal(endpointSummaries(cfg)[0]?.caFile, ca);
      assert.throws(() => applyEndpointForm(empty, { ...form, caFile: 'ca.pem' }, 'add'), /CA file ca\.pem is not a full path/);
      assert.throws(() => applyEndpointForm(empty, { ...form, caFile: path.join(dir, 'missing.pem') }, 'add'), /CA file .*missing\.pem does not exist/);
      fs.writeFileSync(path.join(dir, 'junk.pem'), 'not a cert');
      assert.throws(() => applyEndpointForm(empty, { ...form, caFile: path.join(dir, 'junk.pem') }, 'add'), /holds no PEM certificate/);
      assert.throws(() => applyEndpointForm(empty, { ...form, url: 'http://localhost:8443', caFile: ca }, 'add'), /need an https URL/);
    } finally {
      pki.remove();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

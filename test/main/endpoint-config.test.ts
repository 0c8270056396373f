import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});

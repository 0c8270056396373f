import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHostInDomain, normalizeEndpointUrl } from '../../../src/base/contracts/endpoint-url.js';
import { p6Kind } from '../../../src/base/kinds/p6.js';
import { vsphereKind } from '../../../src/base/kinds/vsphere.js';

describe('normalizeEndpointUrl()', () => {
  it('adds the kind default path when there is none and drops a trailing slash', () => {
    assert.deepEqual(normalizeEndpointUrl(vsphereKind.defaultApiPath, 'https://VC1.corp.example'), { ok: true, url: 'https://vc1.corp.example/sdk', hostname: 'vc1.corp.example' });
    const p6 = normalizeEndpointUrl(p6Kind.defaultApiPath, 'https://p6.corp.example:8443/');
    assert.ok(p6.ok && p6.url === 'https://p6.corp.example:8443/p6ws/restapi', 'a P6 URL without a path gets /p6ws/restapi and loses its trailing slash');
    const custom = normalizeEndpointUrl(vsphereKind.defaultApiPath, 'https://vc1.corp.example/custom/sdk/');
    assert.ok(custom.ok && custom.url === 'https://vc1.corp.example/custom/sdk', 'a URL with its own path keeps it, without the trailing slash');
  });

  it('allows http only for loopback hosts', () => {
    for (const u of ['http://localhost:8080', 'http://127.0.0.1', 'http://[::1]:9000']) assert.equal(normalizeEndpointUrl(p6Kind.defaultApiPath, u).ok, true, u);
    for (const u of ['http://vc1.corp.example', 'http://127.0.0.2', 'ftp://vc1', 'file:///etc/passwd']) {
      const r = normalizeEndpointUrl(vsphereKind.defaultApiPath, u);
      assert.ok(!r.ok && /must use https/.test(r.message), u);
    }
  });

  it('refuses credentials, queries, fragments and non-URLs without echoing them', () => {
    for (const u of ['https://root:hunter2@vc1', 'https://vc1/sdk?x=1', 'https://vc1/#frag', 'vc1.corp.example', '']) {
      const r = normalizeEndpointUrl(vsphereKind.defaultApiPath, u);
      assert.equal(r.ok, false, u);
      assert.ok(!r.ok && !r.message.includes('hunter2'), 'the URL is refused and the refusal never repeats its password');
    }
  });
});

describe('isHostInDomain()', () => {
  it('matches the domain itself and names under it, not look-alikes', () => {
    assert.equal(isHostInDomain('vc1.corp.example', 'corp.example'), true);
    assert.equal(isHostInDomain('a.b.corp.example.', 'corp.example'), true);
    assert.equal(isHostInDomain('corp.example', 'corp.example'), true);
    assert.equal(isHostInDomain('evilcorp.example', 'corp.example'), false);
    assert.equal(isHostInDomain('corp.example.evil.test', 'corp.example'), false);
  });
});

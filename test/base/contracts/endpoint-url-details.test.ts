// The endpoint URL rule's edges (the local-safety mutation area): what a user may type as an
// endpoint URL, and that the host the rule checks is the host the connector will reach.
// SSRF vectors: a scheme that is not https, plain http to a host that only looks local,
// credentials before an `@`, a backslash or `@` that moves the host, a query or fragment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { domainCredentialId, endpointCredentialId, isHostInDomain, isLoopbackHost, normalizeEndpointUrl } from '../../../src/base/contracts/endpoint-url.js';

const SDK = '/sdk';
const refusal = (raw: string): string => {
  const r = normalizeEndpointUrl(SDK, raw);
  assert.equal(r.ok, false, `${raw} was accepted`);
  return r.ok ? '' : r.message;
};
const accepted = (raw: string): { url: string; hostname: string } => {
  const r = normalizeEndpointUrl(SDK, raw);
  assert.ok(r.ok, `${raw} was refused: ${r.ok ? '' : r.message}`);
  return { url: r.url, hostname: r.hostname };
};

describe('normalizeEndpointUrl() edges', () => {
  it('Security: refuses every scheme but https, also to a loopback host, with the one message', () => {
    for (const raw of ['ftp://localhost/sdk', 'ws://127.0.0.1/sdk', 'file://localhost/etc/passwd', 'gopher://[::1]/x', 'HTTP://vc1.corp.example', 'wss://vc1.corp.example']) {
      assert.equal(refusal(raw), 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])', raw);
    }
  });

  it('Security: plain http only to the three loopback spellings, not to names or mapped addresses that merely look local', () => {
    for (const raw of ['http://localhost.', 'http://localhost.corp.example', 'http://127.0.0.1.nip.io', 'http://[::ffff:127.0.0.1]', 'http://[::ffff:7f00:1]', 'http://0.0.0.0', 'http://[::]']) {
      assert.match(refusal(raw), /^must use https/, raw);
    }
    // Other spellings of 127.0.0.1 are loopback too; the stored URL names it the one way.
    for (const raw of ['http://2130706433:8080', 'http://0x7f.1:8080', 'http://127.1:8080', 'http://0177.0.0.1:8080']) {
      assert.deepEqual(accepted(raw), { url: 'http://127.0.0.1:8080/sdk', hostname: '127.0.0.1' }, raw);
    }
    assert.deepEqual(accepted('HTTP://LOCALHOST:9'), { url: 'http://localhost:9/sdk', hostname: 'localhost' });
    assert.equal(isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('::1'), false, 'URL.hostname keeps the brackets');
    assert.equal(isLoopbackHost('127.0.0.2'), false);
  });

  it('Security: refuses a user name alone or a password alone, naming neither', () => {
    for (const raw of ['https://root@vc1.corp.example', 'https://:hunter2@vc1.corp.example', 'https://vc1.corp.example@evil.example', 'http://root@localhost:8080']) {
      const message = refusal(raw);
      assert.equal(message, 'must not contain a user name or password; use --user and --password-stdin', raw);
      assert.ok(!message.includes('hunter2') && !message.includes('root'), 'the refusal names neither the password nor the user name of the URL');
    }
  });

  it('refuses a query or fragment, also an empty one the parser drops', () => {
    for (const raw of ['https://vc1/sdk?x=1', 'https://vc1/sdk?', 'https://vc1/sdk#x', 'https://vc1/sdk#', 'https://vc1/?#', 'https://vc1?']) {
      assert.equal(refusal(raw), 'must not contain a query (?) or fragment (#)', raw);
    }
  });

  it('refuses text that is not a URL with an example', () => {
    for (const raw of ['vc1.corp.example', '', 'https://', '//vc1/sdk']) assert.equal(refusal(raw), 'is not a URL; use e.g. https://vc1.corp.example', raw);
  });

  it('Security: the host it answers is the host the stored URL reaches, whatever a backslash, `@` or dots do', () => {
    for (const raw of ['https://vc1.corp.example\\@evil.example/', 'https://vc1.corp.example\\evil.example', 'https://VC1.Corp.Example./sdk', 'https://vc1.corp.example/a/../../evil.example/', 'https://vc1.corp.example/%2e%2e/sdk']) {
      const { url, hostname } = accepted(raw);
      assert.equal(new URL(url).hostname, hostname, raw);
      assert.ok(hostname.startsWith('vc1.corp.example'), `${raw} → ${hostname}`);
    }
  });

  it('drops every trailing slash and gives a bare host (or only slashes) the default path', () => {
    assert.equal(accepted('https://vc1/custom/sdk//').url, 'https://vc1/custom/sdk');
    assert.equal(accepted('https://vc1/custom/sdk///').url, 'https://vc1/custom/sdk');
    assert.equal(accepted('https://vc1/custom/sdk').url, 'https://vc1/custom/sdk');
    assert.equal(accepted('https://vc1').url, 'https://vc1/sdk');
    assert.equal(accepted('https://vc1/').url, 'https://vc1/sdk');
    assert.equal(accepted('https://vc1//').url, 'https://vc1/sdk');
    assert.equal(accepted('https://vc1:443///').url, 'https://vc1/sdk');
    assert.deepEqual(normalizeEndpointUrl('/p6ws/restapi', 'https://P6.corp.example:8443'), { ok: true, url: 'https://p6.corp.example:8443/p6ws/restapi', hostname: 'p6.corp.example' });
  });
});

describe('isHostInDomain() edges', () => {
  it('compares without case and ignores one trailing dot of the host', () => {
    assert.equal(isHostInDomain('VC1.CORP.EXAMPLE', 'corp.example'), true);
    assert.equal(isHostInDomain('vc1.corp.example', 'CORP.Example'), true);
    assert.equal(isHostInDomain('corp.example.', 'corp.example'), true);
    assert.equal(isHostInDomain('vc1.corp.example..', 'corp.example'), false, 'only one trailing dot is a root label');
    assert.equal(isHostInDomain('vc1.corp.example.x', 'corp.example'), false);
  });

  it('Security: a look-alike is not in the domain', () => {
    for (const host of ['evilcorp.example', 'xcorp.example', 'corp.example.evil.test', 'corp-example', 'corpXexample', 'example', '']) {
      assert.equal(isHostInDomain(host, 'corp.example'), false, host);
    }
  });
});

describe('credential ids', () => {
  it('an endpoint credential and a domain credential never share an id', () => {
    assert.equal(endpointCredentialId('vc1'), 'endpoint:vc1');
    assert.equal(domainCredentialId('corp.example'), 'domain:corp.example');
    assert.notEqual(endpointCredentialId('x'), domainCredentialId('x'));
  });
});

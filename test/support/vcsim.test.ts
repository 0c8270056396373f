import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isConnectorError } from '../../src/connectors/connector-error.js';
import { createUpstreamDispatcher } from '../../src/connectors/tls/index.js';
import { retrieveServiceContent } from '../../src/connectors/vsphere/soap/retrieve-service-content.js';
import { startVcsim, type Vcsim } from './vcsim.js';

/** Flips one hex digit of a fingerprint so it is well-formed but wrong. */
function otherFingerprint(fp: string): string {
  return (fp[0] === 'A' ? 'B' : 'A') + fp.slice(1);
}

describe('startVcsim()', () => {
  let vcsim: Vcsim;
  before(async () => {
    vcsim = await startVcsim();
  });
  after(async () => {
    await vcsim?.stop();
  });

  it('serves RetrieveServiceContent over HTTPS when the printed fingerprint is pinned', async () => {
    assert.match(vcsim.url, /^https:\/\/127\.0\.0\.1:\d+\/sdk$/);
    assert.match(vcsim.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
    try {
      const sc = await retrieveServiceContent(vcsim.url, dispatcher);
      assert.equal(sc.about.apiType, 'VirtualCenter');
      assert.equal(sc.sessionManager.type, 'SessionManager');
      assert.equal(sc.propertyCollector.type, 'PropertyCollector');
      assert.ok(sc.apiVersion.length > 0, 'vcsim reports an API version');
    } finally {
      await dispatcher.close();
    }
  });

  it('counts the SOAP calls it received by method name', async () => {
    const before = (await vcsim.counts())['RetrieveServiceContent'] ?? 0;
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: vcsim.fingerprintSha256 });
    try {
      await retrieveServiceContent(vcsim.url, dispatcher);
      await retrieveServiceContent(vcsim.url, dispatcher);
    } finally {
      await dispatcher.close();
    }
    assert.equal((await vcsim.counts())['RetrieveServiceContent'], before + 2);
  });

  it('fails with CONN_TLS_FINGERPRINT, showing the fingerprint it saw, when the pin is wrong', async () => {
    const pinned = otherFingerprint(vcsim.fingerprintSha256);
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: pinned });
    try {
      await assert.rejects(retrieveServiceContent(vcsim.url, dispatcher), (error: unknown) => {
        assert.ok(isConnectorError(error), 'a wrong pin is refused with a ConnectorError');
        assert.equal(error.code, 'CONN_TLS_FINGERPRINT');
        assert.ok(error.message.includes(vcsim.fingerprintSha256), error.message);
        assert.ok(error.message.includes(pinned), error.message);
        assert.ok(error.message.includes('--fingerprint'), error.message);
        return true;
      });
    } finally {
      await dispatcher.close();
    }
  });

  it('fails with CONN_TLS_UNTRUSTED without pin or CA, even with NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const saved = process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
    process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
    const dispatcher = createUpstreamDispatcher();
    try {
      await assert.rejects(retrieveServiceContent(vcsim.url, dispatcher), (error: unknown) => {
        assert.ok(isConnectorError(error), 'an unpinned self-signed vcsim is refused with a ConnectorError');
        assert.equal(error.code, 'CONN_TLS_UNTRUSTED');
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
      else process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = saved;
      await dispatcher.close();
    }
  });

  it('stops for good: stop() is idempotent and the port then refuses connections', async () => {
    const own = await startVcsim({ vms: 1, clusters: 0, standalone: 1 });
    const dispatcher = createUpstreamDispatcher({ fingerprintSha256: own.fingerprintSha256 });
    try {
      await retrieveServiceContent(own.url, dispatcher);
      await Promise.all([own.stop(), own.stop()]);
      await assert.rejects(retrieveServiceContent(own.url, dispatcher), { code: 'CONN_UNREACHABLE' });
    } finally {
      await dispatcher.close();
      await own.stop(); // idempotent
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError } from '../../../../src/connectors/connector-error.js';
import { networkError } from '../../../../src/connectors/p6/session/network-error.js';

const withCode = (message: string, code: string, cause?: unknown) => Object.assign(new Error(message, { cause }), { code });

describe('networkError()', () => {
  it('passes through a ConnectorError raised inside the dispatcher (e.g. a fingerprint mismatch)', () => {
    const pinned = new ConnectorError('CONN_TLS_FINGERPRINT', 'fingerprint mismatch');
    assert.equal(networkError(new TypeError('fetch failed', { cause: pinned }), 'https://h', 1000), pinned);
  });

  it('maps certificate verification codes to CONN_TLS_UNTRUSTED', () => {
    const e = networkError(withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'https://h:8443', 1000);
    assert.equal(e.code, 'CONN_TLS_UNTRUSTED');
    assert.match(e.message, /https:\/\/h:8443.*DEPTH_ZERO_SELF_SIGNED_CERT/);
  });

  it('maps timeouts to CONN_TIMEOUT', () => {
    assert.equal(networkError(new DOMException('timed out', 'TimeoutError'), 'https://h', 5).code, 'CONN_TIMEOUT');
    assert.equal(networkError(withCode('x', 'UND_ERR_HEADERS_TIMEOUT'), 'https://h', 5).code, 'CONN_TIMEOUT');
  });

  it('maps everything else to CONN_UNREACHABLE, naming the innermost useful code but no free text', () => {
    const e = networkError(withCode('other side closed: secret-ish text', 'UND_ERR_SOCKET', withCode('connect', 'ENOTFOUND')), 'https://h', 5);
    assert.equal(e.code, 'CONN_UNREACHABLE');
    assert.match(e.message, /ENOTFOUND/);
    assert.ok(!e.message.includes('secret-ish'));
    assert.ok(!networkError(withCode('x', 'not a code; with text'), 'https://h', 5).message.includes('with text'));
  });
});

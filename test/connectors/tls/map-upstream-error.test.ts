import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../../../src/connectors/connector-error.js';
import { mapUpstreamError } from '../../../src/connectors/tls/map-upstream-error.js';

const coded = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('mapUpstreamError()', () => {
  it('maps network, TLS and timeout codes to one-line ConnectorErrors naming the target', () => {
    const cases: [string, string][] = [
      ['ECONNREFUSED', 'CONN_UNREACHABLE'],
      ['ENOTFOUND', 'CONN_UNREACHABLE'],
      ['UND_ERR_CONNECT_TIMEOUT', 'CONN_UNREACHABLE'],
      ['ERR_SSL_WRONG_VERSION_NUMBER', 'CONN_UNREACHABLE'],
      ['UND_ERR_HEADERS_TIMEOUT', 'CONN_TIMEOUT'],
      ['UND_ERR_BODY_TIMEOUT', 'CONN_TIMEOUT'],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'CONN_TLS_UNTRUSTED'],
      ['CERT_HAS_EXPIRED', 'CONN_TLS_UNTRUSTED'],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'CONN_TLS_UNTRUSTED'],
      ['EWHATEVER', 'CONN_UNREACHABLE'],
    ];
    for (const [code, expected] of cases) {
      const mapped = mapUpstreamError(coded(code), 'vc.example:443') as ConnectorError;
      assert.equal(mapped.code, expected, code);
      assert.ok(mapped.message.includes('vc.example:443'), mapped.message);
      assert.doesNotMatch(mapped.message, /\n/);
    }
  });

  it('finds the code in the cause chain, as fetch() wraps it', () => {
    const fetchError = new TypeError('fetch failed', { cause: coded('ECONNREFUSED') });
    assert.equal((mapUpstreamError(fetchError, 'vc:443') as ConnectorError).code, 'CONN_UNREACHABLE');
  });

  it('passes coded errors, aborts and code-less bugs through unchanged', () => {
    const own = new ConnectorError('CONN_TLS_FINGERPRINT', 'x');
    assert.equal(mapUpstreamError(new TypeError('fetch failed', { cause: own }), 'vc:443'), own);
    const abort = new DOMException('aborted', 'AbortError');
    assert.equal(mapUpstreamError(abort, 'vc:443'), abort);
    const bug = new TypeError('undefined is not a function');
    assert.equal(mapUpstreamError(bug, 'vc:443'), bug);
  });
});

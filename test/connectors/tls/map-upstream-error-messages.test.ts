// Every failure kind mapUpstreamError knows gives its exact one-line message (what failed,
// what to do next), and the cause chain is searched to a fixed depth. Found by mutation
// testing (docs/TESTING.md): the kinds were checked by code, not by what the user reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../../../src/connectors/connector-error.js';
import { mapUpstreamError } from '../../../src/connectors/tls/map-upstream-error.js';

const T = 'vc.example:443';
const coded = (code: string): Error => Object.assign(new Error(`raw ${code}`), { code });
const map = (e: unknown) => mapUpstreamError(e, T) as ConnectorError;

const UNTRUSTED = [
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE', 'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED', 'INVALID_CA', 'INVALID_PURPOSE', 'PATH_LENGTH_EXCEEDED',
];
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  UND_ERR_CLOSED: 'connection closed',
};

describe('mapUpstreamError() messages', () => {
  it('says which certificate check failed and how to trust it', () => {
    for (const code of UNTRUSTED) {
      const e = map(coded(code));
      assert.equal(e.code, 'CONN_TLS_UNTRUSTED', code);
      assert.equal(e.message, `TLS certificate of ${T} is not trusted (${code}); give its CA with --ca FILE or pin its SHA-256 with --fingerprint`);
    }
    assert.equal(map(coded('ERR_TLS_CERT_ALTNAME_INVALID')).message, `TLS certificate of ${T} is not issued for that host name; use the name in the certificate or pin the certificate with --fingerprint`);
    assert.equal(map(coded('CERT_HAS_EXPIRED')).message, `TLS certificate of ${T} has expired; renew it or check the clock`);
    const notYet = map(coded('CERT_NOT_YET_VALID'));
    assert.deepEqual([notYet.code, notYet.message], ['CONN_TLS_UNTRUSTED', `TLS certificate of ${T} is not valid yet; renew it or check the clock`]);
  });

  it('names the network failure and says to check the URL', () => {
    for (const [code, reason] of Object.entries(UNREACHABLE)) {
      const e = map(coded(code));
      assert.equal(e.code, 'CONN_UNREACHABLE', code);
      assert.equal(e.message, `cannot reach ${T}: ${reason}; check the URL and that the server is up`);
    }
    const ssl = map(coded('ERR_SSL_WRONG_VERSION_NUMBER'));
    assert.equal(ssl.message, `TLS handshake with ${T} failed (ERR_SSL_WRONG_VERSION_NUMBER); check that the URL uses https:// and the right port`);
    // Only the ERR_SSL_ prefix means a handshake failure.
    assert.equal(map(coded('XERR_SSL_')).message, `request to ${T} failed; check the URL and the network`);
    const other = map(coded('EWHATEVER'));
    assert.deepEqual([other.code, other.message], ['CONN_UNREACHABLE', `request to ${T} failed; check the URL and the network`]);
  });

  it('says a timeout is the server not answering', () => {
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      const e = map(coded(code));
      assert.deepEqual([e.code, e.message], ['CONN_TIMEOUT', `${T} did not answer in time; check that the server is healthy and retry`]);
    }
  });

  it('keeps the original error as the cause', () => {
    for (const code of ['ECONNREFUSED', 'CERT_REVOKED', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UND_ERR_BODY_TIMEOUT', 'ERR_SSL_X', 'EWHATEVER']) {
      const raw = coded(code);
      assert.equal(map(raw).cause, raw, code);
    }
  });

  it('searches five levels of causes for a code, no deeper', () => {
    const wrap = (e: Error, n: number): Error => (n === 0 ? e : wrap(new Error(`wrap ${n}`, { cause: e }), n - 1));
    assert.equal(map(wrap(coded('ECONNREFUSED'), 4)).code, 'CONN_UNREACHABLE');
    const tooDeep = wrap(coded('ECONNREFUSED'), 5);
    assert.equal(mapUpstreamError(tooDeep, T), tooDeep, 'a code deeper than five levels is not looked at: passed through as a bug');
    // The first known code wins, even when a deeper cause has another one.
    const outer = Object.assign(new Error('outer', { cause: coded('CERT_REVOKED') }), { code: 'ECONNRESET' });
    assert.equal(map(outer).message, `cannot reach ${T}: connection reset; check the URL and that the server is up`);
    // A non-string code is no code.
    const numeric = Object.assign(new Error('n'), { code: 42 });
    assert.equal(mapUpstreamError(numeric, T), numeric);
  });

  it('turns a thrown non-Error without a code into an Error', () => {
    const e = mapUpstreamError('boom', T);
    assert.ok(e instanceof Error && !(e instanceof ConnectorError), 'a thrown non-Error becomes a plain Error, not a ConnectorError');
    assert.equal(e.message, 'boom');
  });

  it('passes an already-coded error through unchanged, also one that is not an Error instance (another realm)', () => {
    const foreign = { name: 'ConnectorError', code: 'CONN_TIMEOUT', message: 'from a worker' };
    assert.equal(mapUpstreamError(foreign, T), foreign);
  });

  it('passes an AbortError through by its name', () => {
    const abort = Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ECONNRESET' });
    assert.equal(mapUpstreamError(abort, T), abort);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { setCookiePairs } from '../../../../src/connectors/p6/session/set-cookie-pairs.js';

describe('setCookiePairs()', () => {
  it('keeps name=value of every cookie and drops the attributes', () => {
    assert.deepEqual(
      setCookiePairs(['JSESSIONID=abc!-123; Path=/p6ws; Secure; HttpOnly', 'X-Oracle-BMC-LBS-Route=9f; Path=/']),
      ['JSESSIONID=abc!-123', 'X-Oracle-BMC-LBS-Route=9f'],
    );
    assert.deepEqual(setCookiePairs('JSESSIONID=a=b==; Path=/'), ['JSESSIONID=a=b==']);
  });

  it('keeps one value per name, the last one sent', () => {
    assert.deepEqual(setCookiePairs(['A=1', 'B=2', 'A=3']), ['B=2', 'A=3']);
  });

  it('drops cookies the server deletes and lines that are not cookies', () => {
    assert.deepEqual(setCookiePairs(['A=1', 'A=; Max-Age=0', 'B=2; max-age=-1', 'garbage', '=x', 'C=3; Max-Age=60']), ['C=3']);
  });

  it('returns nothing for no header', () => {
    assert.deepEqual(setCookiePairs(undefined), []);
  });

  it('round-trips any token-like name and value', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_!.-]{1,20}$/);
    fc.assert(
      fc.property(token, fc.stringMatching(/^[A-Za-z0-9_!.=-]{0,40}$/), (name, value) => {
        assert.deepEqual(setCookiePairs(`${name}=${value}; Path=/p6ws; HttpOnly`), [`${name}=${value}`]);
      }),
    );
  });
});

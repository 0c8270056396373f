import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { p6ApiUrl } from '../../../../src/connectors/p6/rest/p6-api-url.js';

describe('p6ApiUrl()', () => {
  it('appends the path to the REST base with or without a trailing slash, tenant prefix kept', () => {
    assert.equal(p6ApiUrl('https://p6.example.com/p6ws/restapi/', 'logout').href, 'https://p6.example.com/p6ws/restapi/logout');
    assert.equal(p6ApiUrl('https://ca1.p6.oraclecloud.com/tenant/p6ws/restapi', 'login').pathname, '/tenant/p6ws/restapi/login');
  });

  it('encodes query values with URLSearchParams', () => {
    const url = p6ApiUrl('http://h/p6ws/restapi', 'login', { DatabaseName: 'PM DB&x=1' });
    assert.equal(url.searchParams.get('DatabaseName'), 'PM DB&x=1');
    assert.equal(url.search, '?DatabaseName=PM+DB%26x%3D1');
  });

  it('refuses non-http URLs, embedded credentials, queries and garbage', () => {
    for (const bad of ['ftp://h/p6ws/restapi', 'https://u:p@h/p6ws/restapi', 'https://h/p6ws/restapi?x=1', 'not a url']) {
      assert.throws(() => p6ApiUrl(bad, 'login'), { code: 'CONN_INVALID_REQUEST' });
    }
  });
});

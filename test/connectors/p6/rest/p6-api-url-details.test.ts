// The P6 REST URL's edges (the local-safety mutation area): every P6 request URL is the REST
// base plus a path, with no credentials, query or fragment taken from the base.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { p6ApiUrl } from '../../../../src/connectors/p6/rest/p6-api-url.js';

const USE = 'use the REST base, e.g. https://p6.example.com/p6ws/restapi';
const refusedWith = (base: string, message: string) =>
  assert.throws(() => p6ApiUrl(base, 'login'), (e: Error & { code?: string }) => e.code === 'CONN_INVALID_REQUEST' && e.message === `${message}; ${USE}`, base);

describe('p6ApiUrl() edges', () => {
  it('refuses a scheme that is neither https nor http', () => {
    for (const base of ['ftp://p6/p6ws/restapi', 'file:///p6ws/restapi', 'ws://p6/p6ws/restapi']) refusedWith(base, 'The P6 URL must start with https:// or http://');
    assert.equal(p6ApiUrl('http://127.0.0.1:8080/p6ws/restapi', 'login').href, 'http://127.0.0.1:8080/p6ws/restapi/login');
    assert.equal(p6ApiUrl('https://p6/p6ws/restapi', 'login').href, 'https://p6/p6ws/restapi/login');
  });

  it('Security: refuses a user name alone and a password alone, without repeating them', () => {
    for (const base of ['https://admin@p6/p6ws/restapi', 'https://:hunter2@p6/p6ws/restapi', 'https://p6.example.com@evil.example/p6ws/restapi']) {
      refusedWith(base, 'The P6 URL must not contain a username or password');
    }
  });

  it('refuses a query or a fragment in the base', () => {
    for (const base of ['https://p6/p6ws/restapi?x=1', 'https://p6/p6ws/restapi#top']) refusedWith(base, 'The P6 URL must not have a query or fragment');
  });

  it('refuses text that is not a URL, keeping the parser error as the cause', () => {
    assert.throws(() => p6ApiUrl('p6.example.com/p6ws/restapi', 'login'), (e: Error & { code?: string }) =>
      e.code === 'CONN_INVALID_REQUEST' && e.message === `The P6 URL is not a valid URL; ${USE}` && e.cause instanceof TypeError);
  });

  it('drops every trailing slash of the base, so the path is never `//login`', () => {
    assert.equal(p6ApiUrl('https://p6/p6ws/restapi//', 'login').pathname, '/p6ws/restapi/login');
    assert.equal(p6ApiUrl('https://p6/', 'login').pathname, '/login');
    assert.equal(p6ApiUrl('https://p6', '').pathname, '/');
  });

  it('Security: the host is the base\'s, whatever a backslash does, and query values never add a parameter', () => {
    assert.equal(p6ApiUrl('https://p6.example.com\\@evil.example/p6ws/restapi', 'login').host, 'p6.example.com');
    const url = p6ApiUrl('https://p6/p6ws/restapi', 'project', { Fields: 'Id,Name', Filter: "Id = 'a' &x=1#y" });
    assert.deepEqual([...url.searchParams.keys()], ['Fields', 'Filter']);
    assert.equal(url.searchParams.get('Filter'), "Id = 'a' &x=1#y");
    assert.equal(url.hash, '');
  });
});

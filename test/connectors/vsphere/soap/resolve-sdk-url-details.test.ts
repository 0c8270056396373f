// The SDK URL's edges (the local-safety mutation area): the URL the SOAP client posts the
// password to is https, carries no credentials and no fragment, and names the host it was given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSdkUrl } from '../../../../src/connectors/vsphere/soap/resolve-sdk-url.js';

const refusedWith = (url: string, message: string) =>
  assert.throws(() => resolveSdkUrl(url), (e: Error & { code?: string }) => e.code === 'CONN_INVALID_REQUEST' && e.message === message, url);

describe('resolveSdkUrl() edges', () => {
  it('Security: refuses every scheme but https, naming the host and the URL to use', () => {
    refusedWith('http://vc.example/sdk', 'refusing http:// for vCenter vc.example; use https://vc.example/sdk');
    refusedWith('http://localhost:8989/sdk', 'refusing http:// for vCenter localhost:8989; use https://localhost:8989/sdk');
    refusedWith('ftp://vc.example/sdk', 'refusing ftp:// for vCenter vc.example; use https://vc.example/sdk');
  });

  it('Security: refuses a user name alone and a password alone, without repeating them', () => {
    for (const url of ['https://root@vc.example/sdk', 'https://:hunter2@vc.example/sdk', 'https://vc.example@evil.example/sdk']) {
      refusedWith(url, 'the vCenter URL contains a username or password; remove them and use the keychain credential');
    }
  });

  it('refuses text that is not a URL, saying how to write one', () => {
    for (const url of ['vc.example', '', 'https://']) refusedWith(url, 'the vCenter URL is not a valid URL; give it as https://host/sdk');
  });

  it('drops a fragment, and keeps the host a backslash or dots cannot move', () => {
    assert.equal(resolveSdkUrl('https://vc.example/sdk#frag').href, 'https://vc.example/sdk');
    assert.equal(resolveSdkUrl('https://vc.example#frag').href, 'https://vc.example/sdk');
    assert.equal(resolveSdkUrl('https://vc.example\\@evil.example/').host, 'vc.example');
    assert.equal(resolveSdkUrl('https://vc.example/a/../../sdk').href, 'https://vc.example/sdk');
    assert.equal(resolveSdkUrl('https://vc.example/custom/sdk').href, 'https://vc.example/custom/sdk');
  });
});

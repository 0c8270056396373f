import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSdkUrl } from '../../../../src/connectors/vsphere/soap/resolve-sdk-url.js';

describe('resolveSdkUrl()', () => {
  it('keeps an explicit path and implies /sdk for a bare host', () => {
    assert.equal(resolveSdkUrl('https://vc.example/sdk').href, 'https://vc.example/sdk');
    assert.equal(resolveSdkUrl('https://vc.example:8443').href, 'https://vc.example:8443/sdk');
    assert.equal(resolveSdkUrl('https://vc.example/').href, 'https://vc.example/sdk');
  });

  it('refuses plain http, non-URLs and credentials in the URL, without repeating the credentials', () => {
    assert.throws(() => resolveSdkUrl('http://vc.example/sdk'), { code: 'CONN_INVALID_REQUEST' });
    assert.throws(() => resolveSdkUrl('vc.example'), { code: 'CONN_INVALID_REQUEST' });
    assert.throws(
      () => resolveSdkUrl('https://root:hunter2@vc.example/sdk'),
      (error: Error & { code?: string }) => error.code === 'CONN_INVALID_REQUEST' && !error.message.includes('hunter2'),
    );
  });
});

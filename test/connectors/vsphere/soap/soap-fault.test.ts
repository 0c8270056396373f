import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSoapFault, soapFaultToError } from '../../../../src/connectors/vsphere/soap/soap-fault.js';
import { parseXml } from '../../../../src/connectors/vsphere/soap/soap-xml.js';

const envelope = (fault: string, prefix = 'soapenv'): string =>
  `<${prefix}:Envelope xmlns:${prefix}="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
  `<${prefix}:Body>${fault}</${prefix}:Body></${prefix}:Envelope>`;

const context = { method: 'Login', origin: 'https://vc.example', sensitive: false };

describe('parseSoapFault()', () => {
  it('reads the type from xsi:type of the first detail child (vcsim InvalidLogin)', () => {
    const xml = envelope('<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Login failure</faultstring><detail><InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"></InvalidLoginFault></detail></soapenv:Fault>');
    assert.deepEqual(parseSoapFault(parseXml(xml)!), { type: 'InvalidLogin', faultString: 'Login failure' });
  });

  it('works with any envelope prefix and falls back to the element name without xsi:type', () => {
    const xml = envelope('<S:Fault><faultcode>x</faultcode><faultstring></faultstring><detail><NotAuthenticatedFault xmlns="urn:vim25"/></detail></S:Fault>', 'S');
    assert.deepEqual(parseSoapFault(parseXml(xml)!), { type: 'NotAuthenticated', faultString: '' });
  });

  it('returns undefined for a normal response', () => {
    assert.equal(parseSoapFault(parseXml(envelope('<LogoutResponse xmlns="urn:vim25"/>'))!), undefined);
  });
});

describe('soapFaultToError()', () => {
  it('maps InvalidLogin, NotAuthenticated and the rest to their codes', () => {
    assert.equal(soapFaultToError({ type: 'InvalidLogin', faultString: '' }, context).code, 'CONN_LOGIN_FAILED');
    assert.equal(soapFaultToError({ type: 'NotAuthenticated', faultString: '' }, context).code, 'CONN_NOT_AUTHENTICATED');
    const other = soapFaultToError({ type: 'ManagedObjectNotFound', faultString: 'managed object not found:\n vm-1' }, { ...context, method: 'PowerOnVM_Task' });
    assert.equal(other.code, 'CONN_FAULT');
    assert.equal(other.message, 'vCenter at https://vc.example answered PowerOnVM_Task with fault ManagedObjectNotFound: managed object not found: vm-1');
  });

  it('leaves the server text out when the request carried a secret', () => {
    const error = soapFaultToError({ type: 'InvalidRequest', faultString: 'cannot parse <password>hunter2</password>' }, { ...context, sensitive: true });
    assert.equal(error.code, 'CONN_FAULT');
    assert.ok(!error.message.includes('hunter2'), 'the fault of a request with a secret leaves the server\'s text (and the password) out');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildSoapEnvelope, escapeXml, moRefElement, xmlElement } from '../../../../src/connectors/vsphere/soap/soap-envelope.js';
import { attributeValue, childElement, parseXml, XML_NS } from '../../../../src/connectors/vsphere/soap/soap-xml.js';

describe('escapeXml()', () => {
  it('round-trips any text through an element and an attribute', () => {
    const unit = fc.constantFrom(...'ab <>&"\';=/\\é€\u{1F600}]]>'.split(''), ']]>', '&amp;', '</password>');
    fc.assert(
      fc.property(fc.string({ unit }), (text) => {
        const root = parseXml(`<a v="${escapeXml(text)}">${escapeXml(text)}</a>`)!;
        assert.equal(root.text, text);
        assert.equal(attributeValue(root, '', 'v'), text);
      }),
    );
  });
});

describe('buildSoapEnvelope()', () => {
  it('puts _this first and the escaped parameters after it in the vim25 namespace', () => {
    const xml = buildSoapEnvelope('Login', { type: 'SessionManager', value: 'SessionManager' }, xmlElement('userName', 'a') + xmlElement('password', '</password><x>'));
    const body = childElement(parseXml(xml)!, 'Body', XML_NS.soapEnv)!;
    const login = body.children[0]!;
    assert.equal(login.local, 'Login');
    assert.equal(login.ns, XML_NS.vim25);
    assert.deepEqual(login.children.map((c) => c.local), ['_this', 'userName', 'password']);
    assert.equal(login.children[2]!.text, '</password><x>');
  });

  it('writes MoRefs with an escaped type attribute', () => {
    assert.equal(moRefElement('obj', { type: 'A"B', value: '<v>' }), '<obj type="A&quot;B">&lt;v&gt;</obj>');
  });

  it('refuses a method name that would inject markup', () => {
    assert.throws(() => buildSoapEnvelope('Login><x', { type: 'T', value: 'v' }), TypeError);
  });
});

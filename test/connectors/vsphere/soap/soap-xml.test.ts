import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributeValue, childElement, childText, parseXml, qnameLocal, XML_NS } from '../../../../src/connectors/vsphere/soap/soap-xml.js';

describe('parseXml()', () => {
  it('matches xsi:type by namespace URI whatever the prefix (vcsim writes XMLSchema-instance:type)', () => {
    const xml =
      '<propSet xmlns="urn:vim25"><name>runtime.host</name>' +
      '<val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="ManagedObjectReference" type="HostSystem">host-22</val></propSet>';
    const val = childElement(parseXml(xml)!, 'val')!;
    assert.equal(val.ns, XML_NS.vim25);
    // Two attributes both called "type": the xsi one and the MoRef one stay apart.
    assert.equal(attributeValue(val, XML_NS.xsi, 'type'), 'ManagedObjectReference');
    assert.equal(attributeValue(val, '', 'type'), 'HostSystem');
    assert.equal(val.text, 'host-22');
  });

  it('does not take a prefix that is bound to another namespace for xsi', () => {
    const xml = '<a xmlns:xsi="urn:not-xsi"><b xsi:type="Trap"/></a>';
    assert.equal(attributeValue(childElement(parseXml(xml)!, 'b')!, XML_NS.xsi, 'type'), undefined);
  });

  it('decodes entities and character references once, and keeps CDATA literal', () => {
    const root = parseXml('<a>x &amp;amp; &lt;&#65;&#x1F600;<![CDATA[&lt;]]></a>')!;
    assert.equal(root.text, 'x &amp; <A\u{1F600}&lt;');
  });

  it('keeps numeric-looking text as text (apiVersion 6.50 is not 6.5)', () => {
    assert.equal(childText(parseXml('<about><apiVersion>6.50</apiVersion></about>')!, 'apiVersion'), '6.50');
  });

  it('returns undefined for anything but one well-formed element tree', () => {
    for (const bad of ['', 'not xml', '<a><b></a>', '<a/><b/>', '{"Login":1}', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>']) {
      assert.equal(parseXml(bad), undefined, bad);
    }
  });
});

describe('qnameLocal()', () => {
  it('drops any prefix', () => {
    assert.equal(qnameLocal('xsd:string'), 'string');
    assert.equal(qnameLocal('InvalidLogin'), 'InvalidLogin');
  });
});

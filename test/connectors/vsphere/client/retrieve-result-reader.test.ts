// The streaming RetrieveResult reader (rows straight from the scanner's tag events, issue 17)
// against the tree path (scanXml, then parseRetrieveResult) on generated answers cut into
// random pieces: the rows must be the same, whatever the shape of the objects and values.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRetrieveResult } from '../../../../src/connectors/vsphere/client/object-content.js';
import { retrieveResultReader } from '../../../../src/connectors/vsphere/client/retrieve-result-reader.js';
import { childElement, type XmlElement } from '../../../../src/connectors/vsphere/soap/soap-xml.js';
import { MAX_XML_DEPTH, scanXml, XmlStreamScanner } from '../../../../src/connectors/vsphere/soap/xml-scanner.js';
import { xmlPieces } from '../soap/xml-pieces.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const envelope = (returnval: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
  `<soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25">${returnval}</RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>`;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`);
const text = fc.oneof(fc.string({ maxLength: 20 }).map(escape), fc.constantFrom('', '42', '-1.5', 'true', 'poweredOn', 'DC0_C0_RP0_VM12345', 'a&amp;b', '<![CDATA[x<y]]>'));
// vcsim declares the xsi prefix again on every value as XMLSchema-instance; vCenter uses xsi.
const xsiAttr = fc.constantFrom('', ' xsi:type="xsd:string"', ' xsi:type="xsd:int"', ' xsi:type="xsd:boolean"', ' xsi:type="xsd:long"',
  ` xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="xsd:string"`, ` xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="VirtualMachinePowerState"`,
  ' xsi:type="ManagedObjectReference" type="HostSystem"', ' type="Folder"', ' type=""', ' xsi:type="ArrayOfString"', ' xsi:type="ArrayOfInt"',
  ' xsi:type="ArrayOfManagedObjectReference"', ' xsi:type="GuestInfo"', ' xsi:type="xsd:int" xsi:type2="x"');
const inner: fc.Memo<string> = fc.memo((depth) =>
  fc.oneof(
    text,
    fc.tuple(fc.constantFrom('string', 'int', 'ManagedObjectReference', 'ipAddress', 'key', '__proto__', 'toString'), fc.constantFrom('', ' type="HostSystem"', ' xsi:type="xsd:int"'), depth > 1 ? fc.array(inner(depth - 1), { maxLength: 3 }).map((xs) => xs.join('')) : text)
      .map(([n, a, body]) => `<${n}${a}>${body}</${n}>`),
  ),
);
const val = fc.tuple(xsiAttr, fc.array(inner(3), { maxLength: 3 }), fc.boolean()).map(([a, kids, selfClose]) => (selfClose && kids.length === 0 ? `<val${a}/>` : `<val${a}>${kids.join('')}</val>`));
const name = fc.constantFrom('name', 'runtime.powerState', 'summary.config.numCpu', 'guest.ipAddress', 'runtime.host', '', 'a&amp;b', '__proto__', 'constructor');
const propSet = fc.array(fc.oneof(name.map((n) => `<name>${n}</name>`), val, fc.constant('<other>x</other>'), fc.constant(' ')), { maxLength: 4 }).map((xs) => `<propSet>${xs.join('')}</propSet>`);
const missingSet = fc.array(fc.oneof(name.map((n) => `<path>${n}</path>`), fc.constant('<fault xsi:type="NoPermission"><privilegeId>System.Read</privilegeId></fault>'), fc.constant(' y ')), { maxLength: 3 }).map((xs) => `<missingSet>${xs.join('')}</missingSet>`);
const obj = fc.constantFrom('<obj type="VirtualMachine">vm-1</obj>', '<obj type="HostSystem">host-21</obj>', '<obj>vm-2</obj>', '<obj type="VirtualMachine"></obj>', '<obj type="VirtualMachine">vm-<!-- c -->3<x/>4</obj>', '<obj type="VirtualMachine"/>', '<obj type="VirtualMachine"> vm-5\n</obj>',
  // The MoRef's type is the unqualified `type`, whatever comes first; only the obj's own text.
  '<obj xsi:type="ManagedObjectReference" type="VirtualMachine">vm-6</obj>', '<obj id="x" type="Folder">group-7</obj>', '<obj type="VirtualMachine">vm-<x>junk</x>8</obj>',
  // Children named like a propSet's or missingSet's fields are not fields of an obj (V1-xmlsurv).
  '<obj type="VirtualMachine">vm-<path>p</path>9</obj>', '<obj type="VirtualMachine">vm-<name>n</name>1<val>v</val>0</obj>');
const objects = fc.array(fc.oneof({ weight: 3, arbitrary: propSet }, obj, missingSet, fc.constant('<extra><obj type="X">y</obj></extra>'), fc.constant('<extra><path>p</path><name>n</name><val>v</val></extra>')), { maxLength: 6 })
  .chain((xs) => fc.tuple(fc.constant(xs), fc.boolean(), obj))
  .map(([xs, withObj, o]) => `<objects>${withObj ? o : ''}${xs.join('')}</objects>`);
const answer = fc.tuple(fc.array(objects, { maxLength: 5 }), fc.constantFrom('', '<token>t-1</token>', '<token></token>')).map(([os, token]) => envelope(`<returnval>${token}${os.join('')}</returnval>`));

/**
 * `<objects>` where the tree path does not read them (R-review17): in the SOAP Header, in
 * a response that is the Body's second element, in another element of the response, in a second returnval, in a second element of the Body,
 * in a Body of another namespace before SOAP's, or in a second SOAP Body.
 */
const STRAY = '<objects><obj type="VirtualMachine">vm-stray</obj><propSet><name>name</name><val>stray</val></propSet></objects>';
// emptyFirst: the Body's first element is a response without a returnval, so the real one
// after it is the Body's second element and must not be read either.
const strays = fc.record({ header: fc.boolean(), fakeBody: fc.boolean(), emptyFirst: fc.boolean(), junk: fc.boolean(), nested: fc.boolean(), secondReturnval: fc.boolean(), secondChild: fc.boolean(), secondBody: fc.boolean() });
const answerWithStrays = fc.tuple(fc.array(objects, { maxLength: 3 }), strays).map(([os, s]) =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="${XSI}">` +
  (s.header ? `<soapenv:Header><a><b>${STRAY}</b></a><h><returnval>${STRAY}</returnval></h></soapenv:Header>` : '') +
  (s.fakeBody ? `<o:Body xmlns:o="urn:other"><R><returnval>${STRAY}</returnval></R></o:Body>` : '') +
  `<soapenv:Body>${s.emptyFirst ? '<RetrievePropertiesExResponse xmlns="urn:vim25"/>' : ''}<RetrievePropertiesExResponse xmlns="urn:vim25">${s.junk ? `<junk>${STRAY}</junk>` : ''}<returnval>${os.join('')}${s.nested ? `<deeper>${STRAY}</deeper>` : ''}</returnval>${s.secondReturnval ? `<returnval>${STRAY}</returnval>` : ''}</RetrievePropertiesExResponse>` +
  (s.secondChild ? `<Other><x>${STRAY}</x></Other>` : '') +
  '</soapenv:Body>' +
  (s.secondBody ? `<soapenv:Body><R><returnval>${STRAY}</returnval></R></soapenv:Body>` : '') +
  '</soapenv:Envelope>');

function responseOf(envelopeElement: XmlElement | undefined): XmlElement {
  // As soapCall finds it: the first Body in SOAP's namespace, its first element.
  const body = envelopeElement && childElement(envelopeElement, 'Body', 'http://schemas.xmlsoap.org/soap/envelope/');
  const response = body?.children[0];
  assert.ok(response, 'the answer has a response element');
  return response;
}

/** The streaming path: the scanner fed in pieces, rows from retrieveResultReader's events. */
function viaEvents(xml: string, cutsRaw: readonly number[]) {
  const reader = retrieveResultReader();
  const scanner = new XmlStreamScanner({ capture: reader.capture });
  for (const piece of xmlPieces(xml, cutsRaw)) assert.ok(scanner.write(piece), 'the scanner takes each piece of a well-formed answer');
  const root = scanner.end();
  return reader.result(responseOf(root));
}

describe('retrieveResultReader()', () => {
  it('makes the same rows and token as the tree path, on generated answers cut anywhere', () => {
    fc.assert(
      fc.property(answer, fc.array(fc.nat(), { maxLength: 8 }), (xml, cuts) => {
        const tree = parseRetrieveResult(responseOf(scanXml(xml)));
        assert.deepEqual(viaEvents(xml, cuts), tree);
      }),
      { numRuns: 400 },
    );
  });

  it('Security: takes rows only from the response\'s returnval, as the tree path does, not from the Header or any other element', () => {
    fc.assert(
      fc.property(answerWithStrays, fc.array(fc.nat(), { maxLength: 8 }), (xml, cuts) => {
        const tree = parseRetrieveResult(responseOf(scanXml(xml)));
        const events = viaEvents(xml, cuts);
        assert.deepEqual(events, tree);
        assert.ok(!events.objects.some((o) => o.ref.value === 'vm-stray'), xml);
      }),
      { numRuns: 300 },
    );
  });

  it('Security: reads nothing from a second SOAP Body when the first one is empty (the tree path finds no response there)', () => {
    const rows = `<R xmlns="urn:vim25"><returnval>${STRAY}</returnval></R>`;
    for (const first of ['<soapenv:Body/>', '<soapenv:Body></soapenv:Body>', '<soapenv:Body> </soapenv:Body>']) {
      const xml = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">${first}<soapenv:Body>${rows}</soapenv:Body></soapenv:Envelope>`;
      const reader = retrieveResultReader();
      const scanner = new XmlStreamScanner({ capture: reader.capture });
      assert.ok(scanner.write(xml), 'the scanner takes the well-formed answer');
      const root = scanner.end();
      assert.equal(childElement(root!, 'Body', 'http://schemas.xmlsoap.org/soap/envelope/')?.children.length, 0);
      assert.deepEqual(reader.result({ ns: 'urn:vim25', local: 'R', attributes: [], children: [], text: '' }).objects, [], first);
    }
  });

  it('Security: property and field names from the answer never reach a prototype (both paths)', () => {
    // Names are the upstream's: a propSet named __proto__, and data-object fields named after
    // Object.prototype's members. Each must be an own field; no record's prototype changes.
    const xml = envelope('<returnval><objects><obj type="VirtualMachine">vm-1</obj>' +
      '<propSet><name>__proto__</name><val xsi:type="GuestInfo"><polluted>yes</polluted></val></propSet>' +
      '<propSet><name>guest</name><val xsi:type="GuestInfo"><__proto__><polluted>yes</polluted></__proto__><constructor>c</constructor><toString>t</toString><toString>u</toString><hasOwnProperty>h</hasOwnProperty></val></propSet>' +
      '</objects></returnval>');
    for (const page of [parseRetrieveResult(responseOf(scanXml(xml))), viaEvents(xml, [17, 400])]) {
      const props = page.objects[0]!.props;
      assert.equal(Object.getPrototypeOf(props), Object.prototype);
      assert.deepEqual(Object.keys(props), ['__proto__', 'guest']);
      assert.equal((props as Record<string, unknown>)['polluted'], undefined);
      const guest = props['guest'] as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(guest), Object.prototype);
      assert.deepEqual(Object.keys(guest), ['_type', '__proto__', 'constructor', 'toString', 'hasOwnProperty']);
      assert.equal(guest['polluted'], undefined);
      assert.equal(guest['constructor'], 'c');
      assert.deepEqual(guest['toString'], ['t', 'u']);
      assert.equal(JSON.parse(JSON.stringify(props))['__proto__']['polluted'], 'yes');
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    }
  });

  it('reads a vcsim-shaped page into rows and leaves no <objects> in the response tree', () => {
    const vals = `<propSet><name>name</name><val xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="xsd:string">DC0_H0_VM0</val></propSet>` +
      `<propSet><name>summary.config.numCpu</name><val xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="xsd:int">2</val></propSet>` +
      `<propSet><name>runtime.host</name><val xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="ManagedObjectReference" type="HostSystem">host-21</val></propSet>` +
      '<propSet><name>guest.ipAddress</name></propSet><missingSet><path>config.x</path><fault><privilegeId>y</privilegeId></fault></missingSet>';
    const xml = envelope(`<returnval><token>t-2</token><objects><obj type="VirtualMachine">vm-57</obj>${vals}</objects></returnval>`);
    const reader = retrieveResultReader();
    const scanner = new XmlStreamScanner({ capture: reader.capture });
    assert.ok(scanner.write(xml), 'the scanner takes the well-formed answer');
    const response = responseOf(scanner.end());
    assert.deepEqual(childElement(response, 'returnval')?.children.map((c) => c.local), ['token']);
    assert.deepEqual(reader.result(response), {
      objects: [{ ref: { type: 'VirtualMachine', value: 'vm-57' }, props: { name: 'DC0_H0_VM0', 'summary.config.numCpu': 2, 'runtime.host': { type: 'HostSystem', value: 'host-21' } }, missing: ['config.x'] }],
      token: 't-2',
    });
  });

  it('still refuses a malformed answer and a DOCTYPE inside a captured <objects>', () => {
    for (const bad of ['<objects><obj type="VirtualMachine">vm-1</objects>', '<objects><!DOCTYPE x><obj type="VirtualMachine">vm-1</obj></objects>', '<objects><val>&bogus;</val></objects>']) {
      const xml = envelope(`<returnval>${bad}</returnval>`);
      for (let cut = 1; cut < xml.length; cut += 7) {
        const scanner = new XmlStreamScanner({ capture: retrieveResultReader().capture });
        const ok = scanner.write(xml.slice(0, cut)) && scanner.write(xml.slice(cut));
        assert.equal(ok ? scanner.end() : undefined, undefined, `${bad} cut at ${cut}`);
      }
    }
  });

  it('Security: a deeply nested <val> is refused as malformed by both paths, not a stack overflow', () => {
    const answerOf = (depth: number) => envelope(`<returnval><objects><obj type="VirtualMachine">vm-1</obj><propSet><name>n</name><val>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</val></propSet></objects></returnval>`);
    // <val> is at depth 6: the deepest value the limit lets through still converts.
    const deepest = answerOf(MAX_XML_DEPTH - 7);
    const rows = viaEvents(deepest, [1000]);
    assert.equal(rows.objects.length, 1);
    assert.deepEqual(rows, parseRetrieveResult(responseOf(scanXml(deepest))));
    // 3,000 levels (21 KB) overflowed the converters' stack before the limit; 100,000 (0.7 MB) fits the response cap.
    for (const depth of [MAX_XML_DEPTH - 6, 3000, 100_000]) {
      const xml = answerOf(depth);
      assert.equal(scanXml(xml), undefined, `tree path, depth ${depth}`);
      const reader = retrieveResultReader();
      const scanner = new XmlStreamScanner({ capture: reader.capture });
      let ok = true;
      for (let i = 0; i < xml.length && ok; i += 4096) ok = scanner.write(xml.slice(i, i + 4096));
      assert.equal(ok && scanner.end() !== undefined, false, `events path, depth ${depth}`);
    }
  });
});

describe('retrieveResultReader() on what a real vCenter sends and vcsim does not (R6-xml)', () => {
  // vCenter's envelope (soapenc, soapenv, xsd and xsi declared on it, `xsi:type` with prefixes),
  // preceded by a BOM, a declaration with encoding and standalone, and a comment; the default
  // namespace declared again on an inner element; `xml:lang`; names in CJK and with emoji
  // (surrogate pairs, not lone surrogates), at vCenter's 80-character limit; a U+FFFD the
  // TextDecoder made; tab, CR and LF raw and as references; CDATA (legal, though vCenter does
  // not send it); an empty string value.
  const long = `${'长'.repeat(40)}${'😀'.repeat(30)}${'x'.repeat(10)}`;
  const xml = '\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- vpxd -->\n' +
    '<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    `xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="${XSI}">\n<soapenv:Body>\n<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>` +
    '<objects><obj type="VirtualMachine">vm-1001</obj><propSet><name>name</name><val xsi:type="xsd:string">数据库-01 😀</val></propSet>' +
    '<propSet><name>config.annotation</name><val xml:lang="ja" xsi:type="xsd:string">a\tb\r\nc&#9;d&#xA;e&#13;f\uFFFDg<![CDATA[<h>]]></val></propSet>' +
    '<propSet><name>summary.config.numCpu</name><val xsi:type="xsd:int">4</val></propSet>' +
    '<propSet><name>runtime.host</name><val xmlns="urn:vim25" xsi:type="ManagedObjectReference" type="HostSystem">host-22</val></propSet></objects>' +
    `<objects><obj type="VirtualMachine">vm-1002</obj><propSet><name>name</name><val xsi:type="xsd:string">${long}</val></propSet>` +
    '<propSet><name>guest.ipAddress</name><val xsi:type="xsd:string"/></propSet></objects>' +
    '</returnval></RetrievePropertiesExResponse>\n</soapenv:Body>\n</soapenv:Envelope>\n';
  const expected = [
    { ref: 'vm-1001', props: { name: '数据库-01 😀', 'config.annotation': 'a\tb\r\nc\td\ne\rf\uFFFDg<h>', 'summary.config.numCpu': 4, 'runtime.host': { type: 'HostSystem', value: 'host-22' } } },
    { ref: 'vm-1002', props: { name: long, 'guest.ipAddress': '' } },
  ];
  const rowsOf = (page: ReturnType<typeof viaEvents>) => page.objects.map((o) => ({ ref: o.ref.value, props: { ...o.props } }));

  it('reads it whole, cut anywhere and in 1-character pieces, as the tree path does', () => {
    assert.deepEqual([[...long].length, long.length], [80, 110], '80 characters, 30 of them surrogate pairs');
    assert.deepEqual(rowsOf(viaEvents(xml, [])), expected);
    assert.deepEqual(rowsOf(parseRetrieveResult(responseOf(scanXml(xml)))), expected);
    for (let cut = 1; cut < xml.length; cut++) assert.deepEqual(rowsOf(viaEvents(xml, [cut])), expected, `cut at ${cut}`);
    assert.deepEqual(rowsOf(viaEvents(xml, Array.from({ length: xml.length }, (_, k) => k))), expected);
  });
});

// The streaming UpdateSet reader (WaitForUpdatesEx answers, the kept inventory of issue 17)
// against a tree reading of the same answers (scanXml, then the rules written out below), on
// generated answers cut into random pieces.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePropertyValue } from '../../../../src/connectors/vsphere/client/property-value.js';
import { updateSetReader, type ObjectUpdate, type PropertyChange, type UpdateSetPage } from '../../../../src/connectors/vsphere/client/update-set-reader.js';
import { parseMoRef } from '../../../../src/connectors/vsphere/soap/managed-object-ref.js';
import { childElement, childElements, childText, type XmlElement } from '../../../../src/connectors/vsphere/soap/soap-xml.js';
import { scanXml, XmlStreamScanner } from '../../../../src/connectors/vsphere/soap/xml-scanner.js';
import { xmlPieces } from '../soap/xml-pieces.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const envelope = (inner: string, header = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP}" xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${header}` +
  `<soapenv:Body><WaitForUpdatesExResponse xmlns="urn:vim25">${inner}</WaitForUpdatesExResponse></soapenv:Body></soapenv:Envelope>`;

const val = fc.constantFrom(
  '<val xsi:type="xsd:string">DC0_H0_VM0</val>', '<val xsi:type="xsd:int">4</val>', '<val xsi:type="xsd:string"></val>', '<val/>',
  `<val xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="VirtualMachinePowerState">poweredOn</val>`,
  '<val xsi:type="ManagedObjectReference" type="HostSystem">host-21</val>', '<val xsi:type="ArrayOfString"><string>a</string><string>b</string></val>',
  '<val xsi:type="GuestInfo"><ipAddress>10.0.0.1</ipAddress><__proto__><x>1</x></__proto__></val>', '<val>a&amp;b<![CDATA[<c>]]></val>',
);
const name = fc.constantFrom('name', 'runtime.powerState', 'summary.config.numCpu', 'guest.ipAddress', 'parent', '', '__proto__');
const op = fc.constantFrom('assign', 'add', 'remove', 'indirectRemove');
const changeSet = fc.array(fc.oneof(name.map((n) => `<name>${n}</name>`), op.map((o) => `<op>${o}</op>`), val, fc.constant('<other>x</other>'), fc.constant(' x ')), { maxLength: 5 }).map((xs) => `<changeSet>${xs.join('')}</changeSet>`);
const missingSet = fc.oneof(
  name.map((n) => `<missingSet><path>${n}</path><fault xsi:type="NoPermission"><privilegeId>System.Read</privilegeId></fault></missingSet>`),
  fc.constantFrom('<missingSet><fault xsi:type="NoPermission"/></missingSet>', '<missingSet><path>a</path><path>b</path></missingSet>'),
);
const obj = fc.constantFrom('<obj type="VirtualMachine">vm-1</obj>', '<obj type="Folder">group-v3</obj>', '<obj>vm-2</obj>', '<obj type="VirtualMachine"></obj>', '<obj type="VirtualMachine"> vm-5\n</obj>',
  '<obj xsi:type="ManagedObjectReference" type="VirtualMachine">vm-6</obj>', '<obj id="x" type="Folder">group-7</obj>', '<obj type="VirtualMachine">vm-<x>junk</x>8</obj>',
  // Children named like a changeSet's or missingSet's fields are not fields of an obj (V1-xmlsurv).
  '<obj type="VirtualMachine">vm-<path>p</path>9</obj>', '<obj type="VirtualMachine">vm-<name>n</name>1<op>o</op>0</obj>');
const kind = fc.constantFrom('<kind>enter</kind>', '<kind>modify</kind>', '<kind>leave</kind>', '<kind></kind>', '', '<kind>en<path>p</path>ter</kind>', '<kind>mo<name>n</name>dify</kind>');
const objectSet = fc.tuple(kind, fc.boolean(), obj, fc.array(fc.oneof({ weight: 3, arbitrary: changeSet }, missingSet, obj, kind, fc.constant('<extra><path>p</path><name>n</name><op>add</op></extra>')), { maxLength: 5 }))
  .map(([k, withObj, o, xs]) => `<objectSet>${k}${withObj ? o : ''}${xs.join('')}</objectSet>`);
const STRAY = '<objectSet><kind>enter</kind><obj type="VirtualMachine">vm-stray</obj><changeSet><name>name</name><op>assign</op><val>stray</val></changeSet></objectSet>';
// Not objectSets of the filterSet: an element that reads like one, and one nested deeper.
const filterSet = fc.tuple(fc.array(objectSet, { maxLength: 4 }), fc.boolean()).map(([os, stray]) =>
  `<filterSet><filter type="PropertyFilter">session[x]f1</filter>${os.join('')}<missingSet><obj type="X">y</obj></missingSet>` +
  `${stray ? `<other><kind>enter</kind><obj type="VirtualMachine">vm-stray</obj></other><x>${STRAY}</x>` : ''}</filterSet>`);
const answer = fc.tuple(fc.array(filterSet, { maxLength: 3 }), fc.constantFrom('<version>1</version>', '<version>-</version>', ''), fc.constantFrom('', '<truncated>true</truncated>', '<truncated>false</truncated>'), fc.record({ header: fc.boolean(), stray: fc.boolean(), second: fc.boolean(), none: fc.boolean() }))
  .map(([fs, version, truncated, s]) =>
    envelope(
      s.none ? '' : `${s.stray ? `<junk><filterSet>${STRAY}</filterSet></junk>` : ''}<returnval>${version}${fs.join('')}${s.stray ? `${STRAY}<junk>${STRAY}</junk>` : ''}${truncated}</returnval>${s.second ? `<returnval><filterSet>${STRAY}</filterSet></returnval>` : ''}`,
      s.header ? `<soapenv:Header><returnval><filterSet>${STRAY}</filterSet></returnval></soapenv:Header>` : '',
    ));

function responseOf(root: XmlElement | undefined): XmlElement {
  const body = root && childElement(root, 'Body', SOAP);
  const response = body?.children[0];
  assert.ok(response, 'the answer has a response element');
  return response;
}

/** The rules, read off the tree: first kind/obj, each changeSet's first name/op/val, missingSet's first path. */
function viaTree(xml: string): UpdateSetPage {
  const returnval = childElement(responseOf(scanXml(xml)), 'returnval');
  if (!returnval) return { version: undefined, truncated: false, updates: [] };
  const updates: ObjectUpdate[] = [];
  for (const os of childElements(returnval, 'filterSet').flatMap((f) => childElements(f, 'objectSet'))) {
    const ref = parseMoRef(childElement(os, 'obj'));
    const k = childText(os, 'kind');
    if (!ref || k === undefined) continue;
    const changes: PropertyChange[] = [];
    const missing: string[] = [];
    for (const c of os.children) {
      if (c.local === 'changeSet') {
        const n = childText(c, 'name');
        const v = childElement(c, 'val');
        if (n === undefined) continue;
        const o = childText(c, 'op') ?? 'assign';
        changes.push(v ? { name: n, op: o, val: parsePropertyValue(v) } : { name: n, op: o });
      } else if (c.local === 'missingSet') {
        const p = childText(c, 'path');
        if (p !== undefined) missing.push(p);
      }
    }
    updates.push({ kind: k, ref, changes, missing });
  }
  return { version: childText(returnval, 'version') ?? '', truncated: childText(returnval, 'truncated') === 'true', updates };
}

function viaEvents(xml: string, cutsRaw: readonly number[]): UpdateSetPage {
  const reader = updateSetReader();
  const scanner = new XmlStreamScanner({ capture: reader.capture });
  for (const piece of xmlPieces(xml, cutsRaw)) assert.ok(scanner.write(piece), 'the scanner takes each piece of a well-formed answer');
  return reader.result(responseOf(scanner.end()));
}

describe('updateSetReader()', () => {
  it('reads the same updates, version and truncated as the tree, on generated answers cut anywhere, never from a stray place', () => {
    fc.assert(
      fc.property(answer, fc.array(fc.nat(), { maxLength: 8 }), (xml, cuts) => {
        const events = viaEvents(xml, cuts);
        assert.deepEqual(events, viaTree(xml));
        assert.ok(!events.updates.some((u) => u.ref.value === 'vm-stray'), xml);
      }),
      { numRuns: 400 },
    );
  });

  it('reads a vcsim-shaped answer: enter with values, an unset value, modify, leave', () => {
    const v = (t: string, x: string) => `<val xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="${t}">${x}</val>`;
    const xml = envelope(
      '<returnval><version>-</version><filterSet><filter type="PropertyFilter">session[a]b</filter>' +
        `<objectSet><kind>enter</kind><obj type="VirtualMachine">vm-57</obj><changeSet><name>name</name><op>assign</op>${v('xsd:string', 'DC0_H0_VM0')}</changeSet>` +
        '<changeSet><name>guest.ipAddress</name><op>assign</op></changeSet>' +
        `<changeSet><name>runtime.host</name><op>assign</op><val xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="ManagedObjectReference" type="HostSystem">host-21</val></changeSet></objectSet>` +
        `<objectSet><kind>modify</kind><obj type="VirtualMachine">vm-58</obj><changeSet><name>runtime.powerState</name><op>assign</op>${v('VirtualMachinePowerState', 'poweredOn')}</changeSet></objectSet>` +
        '<objectSet><kind>leave</kind><obj type="VirtualMachine">vm-59</obj></objectSet>' +
        '</filterSet></returnval>',
    );
    const page = viaEvents(xml, [100, 700]);
    assert.deepEqual(page, {
      version: '-',
      truncated: false,
      updates: [
        { kind: 'enter', ref: { type: 'VirtualMachine', value: 'vm-57' }, changes: [{ name: 'name', op: 'assign', val: 'DC0_H0_VM0' }, { name: 'guest.ipAddress', op: 'assign' }, { name: 'runtime.host', op: 'assign', val: { type: 'HostSystem', value: 'host-21' } }], missing: [] },
        { kind: 'modify', ref: { type: 'VirtualMachine', value: 'vm-58' }, changes: [{ name: 'runtime.powerState', op: 'assign', val: 'poweredOn' }], missing: [] },
        { kind: 'leave', ref: { type: 'VirtualMachine', value: 'vm-59' }, changes: [], missing: [] },
      ],
    });
  });

  it('reads an answer without returnval (nothing changed) as no version and no updates', () => {
    assert.deepEqual(viaEvents(envelope(''), [10]), { version: undefined, truncated: false, updates: [] });
  });

  it('still refuses a malformed answer and a DOCTYPE inside a captured <objectSet>', () => {
    for (const bad of ['<objectSet><kind>enter</kind><obj type="VirtualMachine">vm-1</objectSet>', '<objectSet><!DOCTYPE x><obj type="VirtualMachine">vm-1</obj></objectSet>', '<objectSet><changeSet><val>&bogus;</val></changeSet></objectSet>']) {
      const xml = envelope(`<returnval><filterSet>${bad}</filterSet></returnval>`);
      for (let cut = 1; cut < xml.length; cut += 7) {
        const scanner = new XmlStreamScanner({ capture: updateSetReader().capture });
        const ok = scanner.write(xml.slice(0, cut)) && scanner.write(xml.slice(cut));
        assert.equal(ok ? scanner.end() : undefined, undefined, `${bad} cut at ${cut}`);
      }
    }
  });
});

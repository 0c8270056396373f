// The SOAP XML reader against fast-xml-parser (the well-kept reference) on generated
// documents, plus the malformed inputs it must refuse.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { XmlAttribute, XmlElement } from '../../../../src/connectors/vsphere/soap/soap-xml.js';
import { scanXml, XmlStreamScanner } from '../../../../src/connectors/vsphere/soap/xml-scanner.js';
import { fullGc } from '../../../support/full-gc.js';
import { xmlPieces } from './xml-pieces.js';

type Raw = Record<string, unknown>;
interface Plain { name: string; attrs: [string, string][]; children: Plain[]; text: string }

const reference = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', cdataPropName: '#cdata', parseTagValue: false,
  parseAttributeValue: false, trimValues: false, processEntities: false, ignoreDeclaration: true, ignorePiTags: true,
});
const ENT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (t: string) => t.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_w, r: string) =>
  r.startsWith('#x') ? String.fromCodePoint(parseInt(r.slice(2), 16)) : r.startsWith('#') ? String.fromCodePoint(parseInt(r.slice(1), 10)) : ENT[r]!);
const nameOf = (n: Raw) => Object.keys(n).find((k) => k !== ':@' && !k.startsWith('#'));

/** fast-xml-parser's ordered tree as qualified names, attributes, children and text. */
function viaReference(xml: string): Plain | undefined {
  if (XMLValidator.validate(xml) !== true) return undefined;
  const roots = (reference.parse(xml) as Raw[]).filter((n) => nameOf(n) !== undefined);
  const convert = (n: Raw): Plain => {
    const name = nameOf(n)!;
    let text = '';
    const children: Plain[] = [];
    for (const c of (n[name] ?? []) as Raw[]) {
      if ('#text' in c) text += decode(String(c['#text']));
      else if ('#cdata' in c) text += ((c['#cdata'] ?? []) as Raw[]).map((x) => String(x['#text'] ?? '')).join('');
      else if (nameOf(c) !== undefined) children.push(convert(c));
    }
    return { name, attrs: Object.entries((n[':@'] ?? {}) as Record<string, string>).filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:')).map(([k, v]) => [k, decode(v)]), children, text };
  };
  return roots.length === 1 ? convert(roots[0]!) : undefined;
}

/** Our tree in the same shape; prefixes are rebuilt from the generator's fixed bindings. */
function viaScanner(xml: string): Plain | undefined {
  const el = scanXml(xml);
  const prefixOf: Record<string, string> = { '': '', 'urn:a': 'a', 'urn:b': 'b', 'urn:vim25': '' };
  const q = (ns: string, local: string) => (prefixOf[ns] ? `${prefixOf[ns]}:${local}` : local);
  const convert = (e: NonNullable<typeof el>): Plain => ({
    name: q(e.ns, e.local),
    attrs: e.attributes.map((a) => [q(a.ns, a.local), a.value]),
    children: e.children.map(convert),
    text: e.text,
  });
  return el && convert(el);
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`);
const text = fc.string({ maxLength: 12 }).map(escape);
const local = fc.constantFrom('val', 'propSet', 'name', 'obj', 'x', 'Élément', 'a-b.c');
const qname = fc.tuple(fc.constantFrom('', 'a:', 'b:'), local).map(([p, l]) => p + l);
const attr = fc.tuple(fc.constantFrom('type', 'a:type', 'b:id', 'key'), text);
const node: fc.Memo<string> = fc.memo((depth) =>
  fc.tuple(qname, fc.uniqueArray(attr, { selector: (a) => a[0], maxLength: 3 }), fc.array(fc.oneof(text, depth > 1 ? node(depth - 1) : text, fc.constant('<![CDATA[a<&b]]>'), fc.constant('<!-- c -->')), { maxLength: 4 }), fc.boolean())
    .map(([n, attrs, kids, selfClose]) => {
      const a = attrs.map(([k, v]) => ` ${k}="${v}"`).join('');
      return selfClose && kids.length === 0 ? `<${n}${a}/>` : `<${n}${a}>${kids.join('')}</${n}>`;
    }),
);
const doc = node(4).map((root) => root.replace(/^<([^\s/>]+)/, '<$1 xmlns="urn:vim25" xmlns:a="urn:a" xmlns:b="urn:b"'));

/**
 * fast-xml-parser's tree with every name resolved by hand from the `xmlns` attributes in
 * scope, as `ns|local` (its own tree keeps prefixes): the reference for documents that
 * rebind prefixes, where one tag's text means different names in different places. Undefined
 * also where fast-xml-parser does not look: two attributes of one element with the same
 * resolved name (`a:t` and `b:t` with both prefixes bound to one URI, XML Namespaces §6.3).
 */
function resolvedReference(xml: string): Plain | undefined {
  const plain = viaReference(xml);
  if (plain === undefined) return undefined;
  const raw = (reference.parse(xml) as Raw[]).filter((n) => nameOf(n) !== undefined);
  const resolve = (n: Raw, outer: Record<string, string>): Plain => {
    const name = nameOf(n)!;
    const attrs = Object.entries((n[':@'] ?? {}) as Record<string, string>);
    const scope = { ...outer };
    for (const [k, v] of attrs) if (k === 'xmlns') scope[''] = decode(v); else if (k.startsWith('xmlns:')) scope[k.slice(6)] = decode(v);
    const q = (qname: string, attribute: boolean) => {
      const colon = qname.indexOf(':');
      const prefix = colon < 0 ? '' : qname.slice(0, colon);
      const ns = attribute && colon < 0 ? '' : Object.hasOwn(scope, prefix) ? scope[prefix]! : `undeclared-prefix:${prefix}`;
      return `${ns}|${qname.slice(colon + 1)}`;
    };
    const kids = ((n[name] ?? []) as Raw[]).filter((c) => nameOf(c) !== undefined);
    const resolved = attrs.filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:')).map(([k, v]): [string, string] => [q(k, true), decode(v)]);
    if (new Set(resolved.map(([k]) => k)).size < resolved.length) duplicated = true;
    return {
      name: q(name, false),
      attrs: resolved,
      children: kids.map((c) => resolve(c, scope)),
      text: '',
    };
  };
  let duplicated = false;
  const tree = resolve(raw[0]!, { '': '', xml: 'http://www.w3.org/XML/1998/namespace' });
  return duplicated ? undefined : tree;
}

/** Our tree as `ns|local` names, attributes and children (text left out: the other tests check it). */
function resolvedScanner(xml: string, cutsRaw: readonly number[] = []): Plain | undefined {
  const convert = (e: XmlElement): Plain => ({ name: `${e.ns}|${e.local}`, attrs: e.attributes.map((a) => [`${a.ns}|${a.local}`, a.value]), children: e.children.map(convert), text: '' });
  const el = viaPieces(xml, cutsRaw);
  return el && convert(el);
}

// Few distinct tags, repeated in scopes that rebind their prefixes (the tag cache's case):
// a declaration on some elements, values with a raw `>` (a tag's first `>` is not its end).
const scopedValue = fc.constantFrom('1', 'x>y', '>', 'a&amp;b', '');
const binding = fc.constantFrom('', ' xmlns:a="urn:a"', ' xmlns:a="urn:b"', ' xmlns="urn:d"', ' xmlns="urn:e" xmlns:b="urn:a"', ' xmlns:b="urn:b"');
const scopedNode: fc.Memo<string> = fc.memo((depth) =>
  fc.tuple(fc.constantFrom('val', 'a:val', 'b:val', 'a:x'), binding, fc.uniqueArray(fc.tuple(fc.constantFrom('type', 'a:type', 'b:type'), scopedValue), { selector: (a) => a[0], maxLength: 2 }), fc.array(depth > 1 ? scopedNode(depth - 1) : fc.constant(''), { maxLength: 4 }))
    .map(([n, decl, attrs, kids]) => {
      const a = decl + attrs.map(([k, v]) => ` ${k}="${v}"`).join('');
      return kids.length === 0 ? `<${n}${a}/>` : `<${n}${a}>${kids.join('')}</${n}>`;
    }),
);
const scopedDoc = fc.array(scopedNode(4), { minLength: 1, maxLength: 4 }).map((kids) => `<r xmlns:a="urn:a" xmlns:b="urn:b">${kids.join('')}</r>`);

// Hostile start tags for the tag cache (R-review5b): undeclared and rebound prefixes,
// duplicate (by raw or expanded name), unquoted and reserved attributes, `<`, unknown entities
// and refused characters in values, reserved prefixes and URIs, a `>` in a value. Few
// distinct heads, so the same tag text comes back in many scopes and depths.
interface HostileNode { readonly name: string; readonly head: string; readonly kids: readonly (HostileNode | string)[]; readonly selfClosing: boolean }
const hostileValue = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('1', '>', 'x>y', '/>', '&amp;', '&#x3e;', 'urn:a', 'urn:b', '') },
  { weight: 1, arbitrary: fc.constantFrom('<', '&bad;', '&constructor;', '"', '&#1;', ']]>', 'http://www.w3.org/XML/1998/namespace', 'http://www.w3.org/2000/xmlns/') },
);
const hostileAttr = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.constantFrom('t', 'a:t', 'b:t', 'q:t', 'xmlns:a', 'xmlns:a', 'xmlns:b', 'xmlns', 'xmlns:xml', 'xml:t'), hostileValue).map(([k, v]) => ` ${k}="${v}"`) },
  { weight: 1, arbitrary: fc.constantFrom(' 1t="1"', ' u=1', ' t="1"t="2"', ' t="1" t="2"', " t='1\"") },
);
const hostileName = fc.constantFrom('val', 'a:val', 'b:val', 'q:val', 'val', '__proto__', 'É');
const hostileNode: fc.Memo<HostileNode> = fc.memo((depth) =>
  fc.record({
    name: hostileName,
    attrs: fc.array(hostileAttr, { maxLength: 2 }),
    kids: fc.array(depth > 1 ? fc.oneof(hostileNode(depth - 1), fc.constantFrom('x', '&amp;', '&lt;')) : fc.constantFrom('x', '&amp;'), { maxLength: 3 }),
    selfClosing: fc.boolean(),
  }).map(({ name, attrs, kids, selfClosing }) => ({ name, head: name + attrs.join(''), kids, selfClosing: selfClosing && kids.length === 0 })),
);
const hostileDoc = fc.array(hostileNode(4), { minLength: 1, maxLength: 4 });

/**
 * A hostile document as text. `unique`: each start tag gets its own number of spaces before
 * its `>` (or `/>`), which changes nothing in what it means but makes every tag text
 * distinct, so none is ever read from the tag cache.
 */
function renderHostile(kids: readonly HostileNode[], unique: boolean): string {
  let count = 0;
  const render = (n: HostileNode | string): string => {
    if (typeof n === 'string') return n;
    const pad = unique ? ' '.repeat(++count) : '';
    return n.selfClosing ? `<${n.head}${pad}/>` : `<${n.head}${pad}>${n.kids.map(render).join('')}</${n.name}>`;
  };
  return `<r xmlns:a="urn:a">${kids.map(render).join('')}</r>`;
}

/** The scanner fed `text` in pieces cut at the given offsets (taken modulo the length). */
function viaPieces(text: string, cutsRaw: readonly number[]): XmlElement | undefined {
  const scanner = new XmlStreamScanner();
  for (const piece of xmlPieces(text, cutsRaw)) if (!scanner.write(piece)) return undefined;
  return scanner.end();
}

describe('scanXml()', () => {
  it('reads generated documents exactly as fast-xml-parser does', () => {
    fc.assert(fc.property(doc, (xml) => {
      const xmlWithDecl = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
      assert.deepEqual(viaScanner(xmlWithDecl), viaReference(xmlWithDecl));
      assert.notEqual(viaScanner(xmlWithDecl), undefined);
    }), { numRuns: 300 });
  });

  it('reads the same tag text by the scope it is in, whole and in pieces (repeated tags, rebound prefixes, a `>` in a value)', () => {
    const outcomes = new Set<boolean>();
    fc.assert(fc.property(scopedDoc, fc.array(fc.nat(), { maxLength: 8 }), (xml, cutsRaw) => {
      const expected = resolvedReference(xml);
      outcomes.add(expected !== undefined);
      assert.deepEqual(resolvedScanner(xml), expected);
      assert.deepEqual(resolvedScanner(xml, cutsRaw), expected);
    }), { numRuns: 300 });
    // Both: documents read, and documents refused for a name twice under two prefixes.
    assert.deepEqual([...outcomes].sort(), [false, true]);
    const el = scanXml('<r xmlns:a="urn:1"><a:x t=">"/><s xmlns:a="urn:2"><a:x t=">"/></s><a:x t=">"/></r>')!;
    assert.deepEqual([el.children[0]!.ns, el.children[1]!.children[0]!.ns, el.children[2]!.ns], ['urn:1', 'urn:2', 'urn:1']);
    assert.deepEqual(el.children.map((c) => c.attributes[0]?.value), ['>', undefined, '>']);
  });

  it('reads a tag from the tag cache exactly as without it, accepted or refused, whole and in pieces (hostile tags)', () => {
    const outcomes = new Set<boolean>();
    fc.assert(fc.property(hostileDoc, fc.array(fc.nat(), { maxLength: 8 }), (kids, cutsRaw) => {
      const uncached = scanXml(renderHostile(kids, true));
      const cached = renderHostile(kids, false);
      outcomes.add(uncached !== undefined);
      assert.deepEqual(scanXml(cached), uncached, cached);
      assert.deepEqual(viaPieces(cached, cutsRaw), uncached, cached);
    }), { numRuns: 500 });
    // The generator makes both: documents the scanner reads and documents it refuses.
    assert.deepEqual([...outcomes].sort(), [false, true]);
  });

  it('reads more distinct and longer tags than the tag cache keeps exactly as fast-xml-parser does', () => {
    const long = `t="${'v'.repeat(600)}"`;
    const kids = Array.from({ length: 300 }, (_, k) => `<a:e${k} n="${k}"/><a:e${k} n="${k}"/><x ${long}/>`).join('');
    const xml = `<r xmlns:a="urn:a">${kids}</r>`;
    const expected = resolvedReference(xml);
    assert.equal(expected?.children.length, 900);
    assert.deepEqual(resolvedScanner(xml), expected);
    assert.deepEqual(resolvedScanner(xml, [5000, 12000, 30000]), expected);
  });

  it('Security: keeps at most 256 start tags of at most 512 characters per document (its memory does not grow with a hostile answer)', async () => {
    // What the scanner holds is seen through the elements' attribute lists: a kept tag's is
    // shared with every element made from it; a tag not kept gets its own, which nothing holds
    // once onClose has consumed its element. Kept: <r> and 254 short tags (255), not a tag of
    // 513 characters, then one of 512 (256); not the 46 short tags after them.
    const held: WeakRef<object>[] = [];
    const scanner = new XmlStreamScanner({ onClose: (el) => (held.push(new WeakRef(el.attributes)), true) });
    const short = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `<e k="${from + k}"/>`).join('');
    const sized = (k: string, length: number) => `<e k="${k}" t="${'v'.repeat(length - `e k="${k}" t=""/`.length)}"/>`;
    assert.equal(sized('a', 512).length, 514);
    assert.ok(scanner.write(`<r>${short(0, 254)}${sized('a', 513)}${sized('b', 512)}${short(254, 300)}`), 'the scanner takes the 300 elements');
    // The last tag read and not kept is the scanner's scratch: one more, so that is not tag 299.
    assert.ok(scanner.write('<e k="last"/>'), 'the scanner takes one more element');
    await new Promise(setImmediate);
    fullGc();
    const alive = (from: number, to: number) => held.slice(from, to).filter((r) => r.deref() !== undefined).length;
    assert.deepEqual([alive(0, 254), alive(254, 255), alive(255, 256), alive(256, 302)], [254, 0, 1, 0]);
    assert.ok(scanner.write('</r>'), 'the scanner takes the closing tag');
    assert.ok(scanner.end(), 'the document ends well-formed');
  });

  it('Security: keeps at most 4,096 names per document (a streamed answer of unique names does not grow its heap; D131)', async () => {
    // Every element is consumed as it closes: what stays is the scanner's own state. 4 MB of
    // unique element and attribute names held ~37 MB of heap until the answer ended.
    const scanner = new XmlStreamScanner({ onClose: () => true });
    assert.ok(scanner.write('<r>'), 'the scanner takes the root tag');
    fullGc();
    const before = process.memoryUsage().heapUsed;
    let fed = 0;
    for (let k = 0; fed < 4 * 1024 * 1024; ) {
      let piece = '';
      for (; piece.length < 64 * 1024; k++) piece += `<e${k} a${k}="1"/>`;
      assert.ok(scanner.write(piece), 'the scanner takes each piece of unique names');
      fed += piece.length;
    }
    await new Promise(setImmediate);
    fullGc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < fed, `the heap grew by ${grown} bytes for ${fed} fed`);
    // Names past the cache's limit are read as the first ones were.
    assert.ok(scanner.write('<e1 a1="1"/><e999999 a999999="2"/></r>'), 'names past the cache\'s limit are read as the first ones were');
    assert.ok(scanner.end(), 'the document ends well-formed');
  });

  it('gives the elements of one tag one frozen attribute list: a consumer that writes to it throws instead of changing its siblings', () => {
    // The root declares a namespace: its children are read in a scope of their own.
    const el = scanXml('<r xmlns:p="urn:p"><v t="1" p:u="2"/><v t="1" p:u="2"/><v t="1" p:u="2"/><w t="1" p:u="2"/></r>')!;
    const [first, second, third, other] = el.children.map((c) => c.attributes);
    assert.ok(first === second && second === third, 'one list for the tag');
    assert.notEqual(other, first);
    assert.ok(Object.isFrozen(first) && first!.every((a) => Object.isFrozen(a)), 'the shared attribute list and each attribute are frozen');
    assert.throws(() => (first as XmlAttribute[]).push({ ns: '', local: 'x', value: 'y' }), TypeError);
    assert.throws(() => { (first![0] as { value: string }).value = 'changed'; }, TypeError);
    assert.deepEqual(third, [{ ns: '', local: 't', value: '1' }, { ns: 'urn:p', local: 'u', value: '2' }]);
  });

  it('refuses what is not one well-formed element tree', () => {
    const bad = [
      '', '   ', 'text', '<a>', '<a></b>', '<a><b></a></b>', '<a/><b/>', '<a/>tail', 'lead<a/>', '<a x="1" x="2"/>', '<a x=1/>', '<a x="1"y="2"/>',
      '<a x="<"/>', '<a>&bogus;</a>', '<a>&amp</a>', '<a>& b</a>', '<a>&#xZZ;</a>', '<a>&#0;</a>', '<!DOCTYPE a><a/>', '<a><!ENTITY x "y"></a>',
      '<a><![CDATA[x</a>', '<a><!-- x</a>', '<1a/>', '< a/>', '<a/ >', '<a></a >x', '<?xml version="1.0"?>',
      '<![CDATA[x]]><a/>', '<a/><![CDATA[x]]>',
      // Security: names of Object.prototype's members are no entities either (they decoded to its functions' source).
      '<a>&constructor;</a>', '<a>&__proto__;</a>', '<a t="&toString;"/>', '<a>&hasOwnProperty;</a>', '<a>x&valueOf;</a>',
      // Character references: digits only, no surrogate, nothing past U+10FFFF (it threw).
      '<a>&#x41zz;</a>', '<a>&#65x;</a>', '<a>&#xD800;</a>', '<a>&#xDFFF;</a>', '<a>&#x110000;</a>',
      // A construct cut by the end after the root; whitespace outside it is XML's four only.
      '<a/><!-- x', '<a/><?pi', '<a/>\u00a0', '\u00a0<a/>', '<a/>\u2028',
      // Security: a declaration is refused even where it ends like a CDATA section.
      '<a><!DOCTYPE a]]></a>', '<a><!ENTITY x "y"]]></a>',
      '<r><a/x>y</r>', '<a 1x="1"/>', '<a></a x>', '<a></ab>', '<a><?></a>',
    ];
    for (const xml of bad) assert.equal(scanXml(xml), undefined, JSON.stringify(xml));
  });

  it('resolves prefixes by scope, unprefixed attributes to no namespace, and undeclared prefixes to no real one', () => {
    const el = scanXml('<r xmlns="urn:d" xmlns:p="urn:p"><p:c p:t="1" t="2"><q:d/></p:c><c xmlns:p="urn:other" p:t="3"/></r>')!;
    const [first, second] = el.children;
    assert.deepEqual([el.ns, first!.ns, first!.local], ['urn:d', 'urn:p', 'c']);
    assert.deepEqual(first!.attributes, [{ ns: 'urn:p', local: 't', value: '1' }, { ns: '', local: 't', value: '2' }]);
    assert.match(first!.children[0]!.ns, /^undeclared-prefix:q$/);
    assert.deepEqual(second!.attributes, [{ ns: 'urn:other', local: 't', value: '3' }]);
  });

  it('accepts whitespace in end tags and around attributes, a BOM, comments and PIs outside the root', () => {
    const el = scanXml('\uFEFF<?xml version="1.0"?><!-- c --><a  x = "1"\n y=\'2\' ></a  ><?pi x?>\n');
    assert.deepEqual(el?.attributes.map((a) => a.value), ['1', '2']);
    assert.equal(scanXml('\n \t\r\n<a/>\n\n ')?.local, 'a');
    assert.deepEqual(scanXml('<a\tx="1"\r\ny="2"\t><b\r/></a\t\r\n>')?.attributes.map((a) => a.value), ['1', '2']);
    assert.deepEqual(scanXml('<a xml:lang="en"/>')?.attributes, [{ ns: 'http://www.w3.org/XML/1998/namespace', local: 'lang', value: 'en' }]);
    // `p:xmlns` is an ordinary attribute, not a declaration.
    assert.deepEqual(scanXml('<r xmlns:p="urn:p"><x p:xmlns="urn:q"/></r>')?.children[0], { ns: '', local: 'x', attributes: [{ ns: 'urn:p', local: 'xmlns', value: 'urn:q' }], children: [], text: '' });
    assert.equal(scanXml('<a>&#x10FFFF;&#xD7FF;&#xE000;&#9;</a>')?.text, '\u{10FFFF}\uD7FF\uE000\t');
  });

  it('says a piece is malformed as soon as it is, and stays refused', () => {
    const scanner = new XmlStreamScanner();
    // A complete start tag that is malformed: refused now, not when the document ends.
    assert.equal(scanner.write('<a><b x=1>'), false);
    assert.equal(scanner.write('</a>'), false);
    assert.equal(scanner.end(), undefined);
    const after = new XmlStreamScanner();
    assert.equal(after.write('<a/>'), true);
    assert.equal(after.write('tail'), false);
    assert.equal(after.end(), undefined);
    // An `&` with more than any reference's length after it and no `;`: refused now.
    assert.equal(new XmlStreamScanner().write(`<a>x&${'y'.repeat(20)}`), false);
  });

  it('reads each piece as it comes: elements close during write, a tag cut inside a quoted `>` waits, the root is never offered to capture', () => {
    const closed: string[] = [];
    const offered: number[] = [];
    const events: string[] = [];
    const sink = { open: (_ns: string, local: string) => void events.push(local), text: () => undefined, close: () => void events.push('/') };
    const scanner = new XmlStreamScanner({ onClose: (el) => (closed.push(el.local), false), capture: (_ns, local, _a, depth) => (offered.push(depth), local === 'c' ? sink : undefined) });
    assert.ok(scanner.write('<r><!-- c --><x/><c><d/></c>'), 'the scanner takes the first piece');
    assert.deepEqual([closed, offered, events], [['x'], [1, 1], ['c', 'd', '/', '/']]);
    assert.ok(scanner.write('<b t=">'), 'an attribute value cut after its > waits for the next piece');
    assert.ok(scanner.write('">text</b></r>'), 'the cut attribute value ends in the next piece');
    const root = scanner.end();
    assert.deepEqual(root?.children.map((c) => [c.local, c.text, c.attributes[0]?.value]), [['x', '', undefined], ['b', 'text', '>']]);
    // Whole too: a tag not kept (its first `>` is quoted) ends after its value.
    assert.equal(scanXml('<a t=">">x</a>')?.text, 'x');
  });
  it('reads a document cut into any pieces exactly as the whole (the streaming path soapCall uses)', () => {
    fc.assert(fc.property(doc, fc.array(fc.nat(), { maxLength: 12 }), (xml, cutsRaw) => {
      const text = `\uFEFF<?xml version="1.0"?><!-- c --><w a="x>y">${xml}<![CDATA[x<y]]>&amp;&#x41;<?pi?></w>\n`;
      assert.deepEqual(viaPieces(text, cutsRaw), scanXml(text));
      assert.notEqual(scanXml(text), undefined);
    }), { numRuns: 300 });
  });

  it('refuses in pieces what it refuses whole, a DOCTYPE split across pieces included', () => {
    const bad = ['<a><b></a>', '<a/><b/>', '<a x="1" x="2"/>', '<a>&bogus;</a>', '<!DOCTYPE a><a/>', '<a><!DOCTYPE a></a>', '<a><![CDATA[x</a>', '<a><!-- x</a>', '<a x="1', '<a>&am'];
    for (const xml of bad) for (let cut = 1; cut < xml.length; cut++) assert.equal(viaPieces(xml, [cut]), undefined, `${JSON.stringify(xml)} cut at ${cut}`);
  });

  it('hands each closed element to onClose with its depth, and leaves consumed ones out of the tree', () => {
    const seen: string[] = [];
    const scanner = new XmlStreamScanner({ onClose: (el, depth) => (seen.push(`${el.local}@${depth}`), el.local === 'objects') });
    for (const piece of ['<r><returnval><obj', 'ects><x/></objects><objects/><token>t</to', 'ken></returnval></r>']) assert.ok(scanner.write(piece), 'the scanner takes each piece');
    const root = scanner.end();
    assert.deepEqual(seen, ['x@3', 'objects@2', 'objects@2', 'token@2', 'returnval@1']);
    assert.deepEqual(root?.children[0]?.children.map((c) => c.local), ['token']);
  });
  it('takes long text as it comes (entities cut between pieces included) and refuses a construct that never ends', () => {
    const scanner = new XmlStreamScanner();
    assert.ok(scanner.write('<a>'), 'the scanner takes the opening tag');
    for (let k = 1; k <= 2000; k++) assert.ok(scanner.write(k % 2 ? 'x'.repeat(1000) + '&a' : 'mp;'), 'long text with an entity cut between pieces is taken');
    assert.ok(scanner.write('</a>'), 'the scanner takes the closing tag');
    assert.equal(scanner.end()?.text, ('x'.repeat(1000) + '&').repeat(1000));
    const endless = new XmlStreamScanner();
    assert.ok(endless.write('<a><!-- '), 'a comment not yet ended is taken while it waits');
    let ok = true;
    for (let k = 0; k < 2000 && ok; k++) ok = endless.write('y'.repeat(1000));
    assert.equal(ok, false);
  });
});

describe('scanXml() strictness (R-review5b, D123 to D125)', () => {
  const XML_URI = 'http://www.w3.org/XML/1998/namespace';
  const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';
  /** Refused whole, and in two pieces cut anywhere. */
  const refused = (xml: string): void => {
    assert.equal(scanXml(xml), undefined, JSON.stringify(xml));
    for (let cut = 1; cut < xml.length; cut++) assert.equal(viaPieces(xml, [cut]), undefined, `${JSON.stringify(xml)} cut at ${cut}`);
  };
  /** Read whole, and the same in two pieces cut anywhere. */
  const read = (xml: string): XmlElement => {
    const el = scanXml(xml);
    assert.notEqual(el, undefined, JSON.stringify(xml));
    for (let cut = 1; cut < xml.length; cut++) assert.deepEqual(viaPieces(xml, [cut]), el, `${JSON.stringify(xml)} cut at ${cut}`);
    return el!;
  };

  it('Security: refuses one attribute name twice under two prefixes bound to one URI, read or from the tag cache', () => {
    refused('<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>');
    refused('<r xmlns:p="u"><a xmlns:q="u" p:x="1" q:x="2"/></r>');
    refused('<r xmlns:p="u" xmlns:q="u"><a q:x="1" p:x="2"></a></r>');
    // The default namespace does not apply to attributes: `x` and `p:x` are two names.
    assert.deepEqual(read('<a xmlns="u" xmlns:p="u" x="1" p:x="2"/>').attributes, [{ ns: '', local: 'x', value: '1' }, { ns: 'u', local: 'x', value: '2' }]);
    assert.equal(read('<a xmlns:p="u" xmlns:q="v" p:x="1" q:x="2"/>').attributes.length, 2);
    // The same tag text is read twice (then from the cache) where its prefixes differ, and
    // refused where they name one URI, before and after the cache has it.
    const tag = '<e p:x="1" q:x="2"/>';
    assert.equal(read(`<r xmlns:p="u" xmlns:q="v">${tag}${tag}</r>`).children.length, 2);
    refused(`<r xmlns:p="u" xmlns:q="v">${tag}${tag}<s xmlns:q="u">${tag}</s></r>`);
    refused(`<r xmlns:p="u" xmlns:q="v"><s xmlns:q="u">${tag}</s>${tag}</r>`);
    // Many attributes (a set instead of pairs): the last one repeats the first, by raw or expanded name.
    const many = Array.from({ length: 40 }, (_, k) => ` p:a${k}="${k}"`).join('');
    assert.equal(read(`<a xmlns:p="u" xmlns:q="u"${many}/>`).attributes.length, 40);
    refused(`<a xmlns:p="u" xmlns:q="u"${many} q:a0="x"/>`);
    refused(`<a xmlns:p="u"${many} p:a0="x"/>`);
    refused(`<a${many.replaceAll('p:', '')} a39="x"/>`);
  });

  it('Security: refuses the namespace declarations XML Namespaces forbids', () => {
    for (const decl of [
      'xmlns:p=""', 'xmlns:xml="urn:x"', 'xmlns:xml=""', 'xmlns:xmlns="urn:x"', `xmlns:xmlns="${XMLNS_URI}"`,
      `xmlns:p="${XML_URI}"`, `xmlns:p="${XMLNS_URI}"`, `xmlns="${XML_URI}"`, `xmlns="${XMLNS_URI}"`,
    ]) {
      refused(`<a ${decl}/>`);
      refused(`<r><a ${decl}></a><a ${decl}/></r>`);
    }
    // Element names may not use the prefix `xmlns`.
    refused('<xmlns:a/>');
    // Allowed: `xml` bound to its own URI, the default namespace undeclared.
    assert.equal(read(`<a xmlns:xml="${XML_URI}" xml:lang="en"/>`).attributes[0]?.ns, XML_URI);
    assert.deepEqual(read('<r xmlns="urn:d"><a xmlns=""/></r>').children[0]?.ns, '');
  });

  it('Security: refuses more than 256 namespace bindings in scope at once, the `xml` one included (each name read walks them)', () => {
    const decls = (from: number, count: number) => Array.from({ length: count }, (_, k) => ` xmlns:p${from + k}="urn:${from + k}"`).join('');
    assert.equal(scanXml(`<a${decls(0, 255)} p0:t="1"/>`)?.attributes[0]?.ns, 'urn:0');
    assert.equal(scanXml(`<a${decls(0, 256)}/>`), undefined);
    // Across elements: what the parent binds counts; siblings each bind on their parent's scope.
    const nested = `<r${decls(0, 200)}><a${decls(200, 55)}/><a${decls(200, 55)}/><b${decls(300, 55)}/></r>`;
    assert.equal(scanXml(nested)?.children.length, 3);
    assert.deepEqual(viaPieces(nested, [3000, 6000]), scanXml(nested));
    assert.equal(scanXml(`<r${decls(0, 200)}><a${decls(200, 55)}><b xmlns:q="urn:q"/></a></r>`), undefined);
  });

  it('Security: refuses characters XML 1.0 does not allow, raw or as references, `--` in a comment and `]]>` in text', () => {
    for (const code of [0x0, 0x1, 0x8, 0xb, 0xc, 0xe, 0x1f, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffe, 0xffff, 0x110000]) {
      refused(`<a>&#${code};</a>`);
      refused(`<a>&#x${code.toString(16)};</a>`);
      refused(`<a t="&#x${code.toString(16)};"/>`);
    }
    for (const c of ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\ufffe', '\uffff']) {
      const places = [`<a>${c}</a>`, `<a>x${c}y</a>`, `<a>&amp;${c}</a>`, `<a>]${c}</a>`, `<a t="${c}"/>`, `<a t="&amp;${c}"/>`, `<a><!-- ${c} --></a>`, `<a><![CDATA[${c}]]></a>`, `<a><?pi ${c}?></a>`, `<!-- ${c} --><a/>`];
      for (const xml of [...places, `<a${c}/>`, `<a b${c}="1"/>`, `<a${c} b="1"/>`, `<a></a${c}>`, `<a>${c}<b/></a>`]) refused(xml);
      // A tag read from the tag cache was checked when it was first read.
      refused(`<r><a t="1"/><a t="1"/><a t="${c}"/></r>`);
    }
    for (const xml of ['<a><!-- x -- y --></a>', '<a><!-- x ---></a>', '<a><!----></a><!-- a--b -->', '<a>]]></a>', '<a>x]]>y</a>', '<a>x<b/>]]></a>']) refused(xml);
    // Allowed: the XML characters at each end of their ranges, `]]` without `>`, `]]>` escaped or in a CDATA end.
    assert.equal(read('<a>&#x9;&#xA;&#xD;&#x20;&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;</a>').text, '\t\n\r\u0020\ud7ff\ue000\ufffd\u{10000}\u{10FFFF}');
    assert.equal(read('<a>\t\r\n\ud7ff\ue000\ufffd</a>').text, '\t\r\n\ud7ff\ue000\ufffd');
    assert.equal(read('<a>]]]&gt;] ]>]]</a>').text, ']]]>] ]>]]');
    assert.equal(read('<a><![CDATA[x]]]]><![CDATA[>]]><!---->-<!-- - a-b - --></a>').text, 'x]]>-');
    assert.equal(read('<a t="]]>"/>').attributes[0]?.value, ']]>');
  });
});

describe('scanXml(): the same answer whatever pieces it arrives in (R6-xml)', () => {
  /** Read whole, and the same in two pieces cut anywhere and in 1-character pieces. */
  const sameEverywhere = (xml: string): XmlElement | undefined => {
    const whole = scanXml(xml);
    for (let cut = 1; cut < xml.length; cut++) assert.deepEqual(viaPieces(xml, [cut]), whole, `${JSON.stringify(xml)} cut at ${cut}`);
    assert.deepEqual(viaPieces(xml, Array.from({ length: xml.length }, (_, k) => k)), whole, `${JSON.stringify(xml)} in 1-character pieces`);
    return whole;
  };

  it('reads or refuses a soup of markup fragments the same whole, cut anywhere and in 1-character pieces', () => {
    // Fragments that make and break every construct the scanner waits on at a piece's end:
    // references (zero-padded, cut, bare `&`), `]`, `]]>`, `--`, comments, CDATA, PIs, `<!`,
    // quotes and `>` in values, refused characters, surrogate pairs, CRLF.
    const fragment = fc.constantFrom('<e>', '</e>', '<e/>', '<a:e xmlns:a="u">', '</a:e>', '<!--', '-->', '--', '-', '<![CDATA[', ']]>', ']', ']]', '>', '<?p ', '?>', '<!',
      '&', '&amp;', '&#', '&#x', '0', '41;', ';', '&#x0000000000041;', '&#x00000000000041;', 'x', ' ', '"', "'", '<e t="', '">', '=', '\u0001', '😀', '\r\n', '<', '/', '/>');
    const outcomes = new Set<boolean>();
    fc.assert(fc.property(fc.array(fragment, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), (parts, cutsRaw) => {
      const xml = `<r>${parts.join('')}</r>`;
      const whole = scanXml(xml);
      outcomes.add(whole !== undefined);
      assert.deepEqual(viaPieces(xml, cutsRaw), whole, `${JSON.stringify(xml)} cut at ${JSON.stringify(cutsRaw)}`);
      assert.deepEqual(viaPieces(xml, Array.from({ length: xml.length }, (_, k) => k)), whole, `${JSON.stringify(xml)} in 1-character pieces`);
    }), { numRuns: 1000 });
    assert.deepEqual([...outcomes].sort(), [false, true]);
  });

  it('reads a zero-padded character reference of up to 15 characters between `&` and `;` and refuses a longer one, whole and cut anywhere (D130)', () => {
    // Up to 15: read whole and in any pieces (a cut one waits for its `;`).
    for (const ref of ['#x0000000000041', '#0000000000065', '#x00000000000A', '#x000000001F600']) {
      assert.equal(ref.length <= 15, true);
      assert.equal(sameEverywhere(`<a>x&${ref};y</a>`)?.text, `x${String.fromCodePoint(parseInt(ref.startsWith('#x') ? ref.slice(2) : ref.slice(1), ref.startsWith('#x') ? 16 : 10))}y`, ref);
      assert.notEqual(sameEverywhere(`<a t="&${ref};"/>`), undefined, ref);
    }
    // Longer: it was read whole and refused when a piece ended inside it; now refused either way.
    for (const ref of ['#x00000000000041', '#00000000000000065', '#x00000000000000000000041']) {
      assert.equal(sameEverywhere(`<a>x&${ref};y</a>`), undefined, ref);
      assert.equal(sameEverywhere(`<a t="&${ref};"/>`), undefined, ref);
    }
  });
});

describe('XmlStreamScanner: short remainders rescanned at each piece (R6-xml)', () => {
  // What waits at a piece's end without a search of its own (a cut reference, `]` or `]]`, `<`,
  // a `<!` too short to tell) is rescanned with the next piece: bounded by a few characters,
  // so 1-character pieces cost a bounded number of looks per character, never the square.
  const runs: [string, string][] = [
    ['references', '&#x0000000000041;&amp;'],
    ['brackets', ']'],
    ['brackets and `>`', ']]&gt;]'],
    ['short comments', '<!---->'],
    ['comments', '<!-- x -->'],
    ['empty elements', '<e/>'],
    ['elements', '<e></e   >'],
  ];
  it('looks at each character a bounded number of times in 1-character pieces', () => {
    for (const [what, unit] of runs) {
      const xml = `<r>${unit.repeat(Math.ceil(16 * 1024 / unit.length))}</r>`;
      const scanner = new XmlStreamScanner();
      for (const c of xml) assert.ok(scanner.write(c), what);
      assert.ok(scanner.end(), what);
      assert.ok(scanner.charactersRead < 24 * xml.length, `${what}: ${scanner.charactersRead} characters read for ${xml.length} fed`);
    }
  });
});

describe('XmlStreamScanner: a construct cut across many pieces', () => {
  const KB = 1024;
  /** Feeds `head`, then `filler` up to `size` characters in `pieceSize` pieces: what write said, and the work. */
  const feed = (head: string, filler: string, size: number, pieceSize: number) => {
    const scanner = new XmlStreamScanner();
    let ok = scanner.write(head);
    let fed = head.length;
    const body = filler.repeat(Math.ceil(size / filler.length)).slice(0, size);
    for (let k = 0; k < body.length && ok; k += pieceSize) {
      const piece = body.slice(k, k + pieceSize);
      ok = scanner.write(piece);
      fed += piece.length;
    }
    return { scanner, ok, fed };
  };
  // Each construct that can wait, with text that never ends it (for a start tag: `>`s inside a quoted value).
  const constructs: [string, string, string, string][] = [
    // [head, filler, the end, what the scanner then reads as its text or attribute]
    ['<r><e ', ' \t\n', 'x="1"/></r>', ''],
    ['<r><e t="', ">>x'y", '"/></r>', ''],
    ["<r><e t='", '>>"', "'/></r>", ''],
    ['<r></r', ' \t', '>', ''],
    ['<r><!-- ', '- x', ' --></r>', ''],
    ['<r><?pi ', '? >', '?></r>', ''],
    ['<r><![CDATA[', '] ]>]', ']]></r>', 'cdata'],
  ];

  it('Security: looks at each character of a cut construct a bounded number of times, in 1 KB pieces or 1-character ones, and still refuses one over 1 MiB', () => {
    for (const [head, filler] of constructs) {
      // Pieces of 1 KB up to the 1 MiB limit: refused past it, each character looked at a few times (not once per piece).
      const big = feed(head, filler, 1024 * KB + 2 * KB, KB);
      assert.equal(big.ok, false, head);
      assert.ok(big.scanner.charactersRead < 4 * big.fed, `${head}: ${big.scanner.charactersRead} characters read for ${big.fed} fed`);
      const small = feed(head, filler, 64 * KB, 1);
      assert.equal(small.ok, true, head);
      assert.ok(small.scanner.charactersRead < 4 * small.fed, `${head}: ${small.scanner.charactersRead} characters read for ${small.fed} fed in 1-character pieces`);
    }
  });

  it('reads a construct cut across many pieces, its end cut anywhere too, as the whole', () => {
    for (const [head, filler, end, kind] of constructs) {
      const body = filler.repeat(Math.ceil(20 * KB / filler.length));
      const xml = head + body + end;
      const whole = scanXml(xml);
      assert.notEqual(whole, undefined, head);
      if (kind === 'cdata') assert.equal(whole?.text, body);
      const cuts = Array.from({ length: 40 }, (_, k) => head.length + k * 512);
      for (let last = 1; last < end.length; last++) assert.deepEqual(viaPieces(xml, [...cuts, head.length + body.length + last]), whole, `${head} end cut at ${last}`);
      assert.deepEqual(viaPieces(xml, Array.from({ length: xml.length }, (_, k) => k)), whole, `${head} in 1-character pieces`);
    }
  });
});

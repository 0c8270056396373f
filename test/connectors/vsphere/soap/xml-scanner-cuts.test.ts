// The streaming scanner fed vCenter-shaped answers whole, cut at every position and in pieces
// of 1 to n characters (V1-xmlsurv, from the vsphere-xml mutation survivors): the same events,
// the same refusals, at the same moment (after each piece, what a fresh scanner fed the same
// prefix at once reports), and a bounded number of looks at each character (charactersRead).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { XmlAttribute, XmlElement } from '../../../../src/connectors/vsphere/soap/soap-xml.js';
import { MAX_XML_DEPTH, scanXml, XmlStreamScanner } from '../../../../src/connectors/vsphere/soap/xml-scanner.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
/** A RetrievePropertiesEx answer as vCenter and vcsim write them, with every construct the scanner waits on. */
const answer = (objects: string) =>
  `\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- vpxd -->\n<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
  `<soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><token>t-1</token>${objects}</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope >\n`;
const vm = (id: string, name: string) =>
  `<objects><obj type="VirtualMachine">${id}</obj><propSet><name>name</name><val xsi:type="xsd:string">${name}</val></propSet>` +
  `<propSet><name>runtime.powerState</name><val xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="VirtualMachinePowerState">poweredOn</val></propSet></objects>`;

/** Answers that are read: each construct cut anywhere, references, `]`, a `>` in a value, U+FEFF in text. */
const READ = [
  answer(vm('vm-1', 'web &amp; db') + vm('vm-22', 'x&#x41;&#66;y')),
  answer(vm('vm-3', '<![CDATA[a"<b]]]]><![CDATA[>]]>') + `<objects><obj type='Host"System' >host-1</obj ><missingSet><path>config</path><fault xsi:type="NoPermission"/></missingSet></objects>`),
  answer(`<objects><!-- a "- b --><obj type="Folder">group-d1</obj><?pi x "y?><propSet><name>a]b]]</name><val xsi:type="xsd:string" t="x>y" u='"&apos;' v='a>b'>]\uFEFF]] &#x0000A;</val></propSet></objects>`),
  answer(`<objects><obj type="Datastore">ds-1</obj><propSet><name>summary</name><val xsi:type="DatastoreSummary"><capacity>1</capacity><name>d&lt;s</name><x w='>'/></val></propSet></objects>`),
  // A short comment and space after the root: they wait for more text, and are read at end().
  `${answer('<objects/>')}<!---->\n`,
];
/** Answers that are refused, each for one of the scanner's rules, somewhere inside the answer. */
const REFUSED = [
  answer('<objects><!DOCTYPE x></objects>'),
  answer('<objects><!-- a -- b --></objects>'),
  answer('<objects>a]]>b</objects>'),
  answer('<objects><obj a="1" a="2"/></objects>'),
  answer('<objects xmlns:p="u" xmlns:q="u"><obj p:a="1" q:a="2"/></objects>'),
  answer('<objects></objectz>'),
  answer('<objects>&bogus;</objects>'),
  answer('<objects>&#x00000000000041;</objects>'),
  answer('<objects>\u0001</objects>'),
  answer('<objects><?pi \u0001?></objects>'),
  answer('<objects><![CDATA[\u0001]]></objects>'),
  answer('<objects><obj t="\u0001"/></objects>'),
  answer('<objects><xmlns:x/></objects>'),
  answer('<objects xmlns:p=""/>'),
  answer('<objects></objects x>'),
  answer('<objects><a:b:c/></objects>'),
  answer('<objects><obj b>"x"/></objects>'),
  answer('<objects><obj b=|x|/></objects>'),
  answer('<objects>&ampx</objects>'),
  answer('<objects>&#x41g1;</objects>'),
  answer('<objects>&#65x5;</objects>'),
  `${answer('')}<second/>`,
  `${answer('')}x`,
  `${answer('')}<!-- x -- y -->`,
];

type Event = string;
/** A scanner that records its events: elements closed (onClose), and each `objects` as events (capture). */
function recorder(): { scanner: XmlStreamScanner; events: Event[] } {
  const events: Event[] = [];
  const attrs = (a: readonly XmlAttribute[]) => a.map((x) => `${x.ns}|${x.local}=${x.value}`).join(',');
  const text = (t: string) => {
    // Text may come in several pieces: one event per run.
    const last = events.length - 1;
    if (events[last]?.startsWith('text:')) events[last] += t;
    else events.push(`text:${t}`);
  };
  const sink = { open: (ns: string, local: string, a: readonly XmlAttribute[]) => void events.push(`open:${ns}|${local}[${attrs(a)}]`), text, close: () => void events.push('close') };
  const scanner = new XmlStreamScanner({
    onClose: (el, depth) => (events.push(`closed:${el.ns}|${el.local}@${depth}[${attrs(el.attributes)}]${JSON.stringify(el.text)}`), false),
    capture: (_ns, local) => (local === 'objects' ? sink : undefined),
  });
  return { scanner, events };
}

/** What a fresh scanner reports for `prefix` fed in one piece: its events, and whether it refused. */
function atOnce(prefix: string): { events: Event[]; ok: boolean } {
  const { scanner, events } = recorder();
  return { events, ok: scanner.write(prefix) };
}

interface Fed { tree: XmlElement | undefined; events: Event[]; read: number; refusedAt: number }
/**
 * Feeds `xml` in `pieces`, checking after each piece that the events so far and the refusal are
 * what a fresh scanner fed the same prefix at once says: nothing waits longer than its own end,
 * nothing is refused later (or earlier) than the text shows it. `refusedAt`: the piece whose
 * write said false (-1: none).
 */
function feed(xml: string, pieces: readonly string[], what: string, checkEachPrefix: boolean): Fed {
  const { scanner, events } = recorder();
  let fed = 0;
  for (let k = 0; k < pieces.length; k++) {
    const ok = scanner.write(pieces[k]!);
    fed += pieces[k]!.length;
    if (checkEachPrefix) {
      const reference = atOnce(xml.slice(0, fed));
      assert.equal(ok, reference.ok, `${what}: piece ${k} (${fed} of ${xml.length}) refused ${!ok}, at once ${!reference.ok}`);
      if (ok) assert.deepEqual(events, reference.events, `${what}: events after piece ${k} (${fed} of ${xml.length})`);
    }
    if (!ok) return { tree: undefined, events, read: scanner.charactersRead, refusedAt: k };
  }
  return { tree: scanner.end(), events, read: scanner.charactersRead, refusedAt: -1 };
}

/** `text` in pieces of `size` characters (the last one shorter). */
const chunks = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, k) => text.slice(k * size, (k + 1) * size));

describe('XmlStreamScanner: vCenter answers whole, cut anywhere and in pieces of 1 to n characters (V1-xmlsurv)', () => {
  it('reads each answer the same whole, in two pieces cut at every position and in pieces of 1 to 8, 13 and 64 characters, each event as soon as its text has arrived', () => {
    for (const xml of READ) {
      const whole = feed(xml, [xml], 'whole', false);
      assert.notEqual(whole.tree, undefined);
      assert.equal(whole.refusedAt, -1);
      for (let cut = 0; cut <= xml.length; cut++) {
        const two = feed(xml, [xml.slice(0, cut), xml.slice(cut)], `cut at ${cut}`, true);
        assert.deepEqual([two.tree, two.events], [whole.tree, whole.events], `cut at ${cut}`);
      }
      for (const size of [1, 2, 3, 4, 5, 6, 7, 8, 13, 64]) {
        const small = feed(xml, chunks(xml, size), `${size}-character pieces`, size <= 3 || size >= 13);
        assert.deepEqual([small.tree, small.events], [whole.tree, whole.events], `${size}-character pieces`);
      }
    }
  });

  it('refuses each malformed answer whole and in any pieces, in the piece where the fault is complete', () => {
    for (const xml of REFUSED) {
      assert.equal(scanXml(xml), undefined, xml);
      for (let cut = 0; cut <= xml.length; cut++) {
        const two = feed(xml, [xml.slice(0, cut), xml.slice(cut)], `${xml} cut at ${cut}`, true);
        assert.equal(two.tree, undefined, `${xml} cut at ${cut}`);
      }
      for (const size of [1, 2, 3, 7, 64]) assert.equal(feed(xml, chunks(xml, size), `${xml} in ${size}-character pieces`, true).tree, undefined, `${xml} in ${size}-character pieces`);
    }
  });

  it('looks at an answer fed whole exactly twice (once as it arrives, once to read it), and in pieces at least that and at most 6 times', () => {
    for (const xml of READ) {
      const longest = Math.max(...xml.match(/<[^>]*>/g)!.map((t) => t.length));
      // The BOM is dropped before the read: one character less. A short comment at the end
      // waits for more text (it could be longer), and end() reads it again.
      const waiting = xml.endsWith('<!---->\n') ? 8 : 0;
      assert.equal(feed(xml, [xml], 'whole', false).read, 2 * xml.length - 1 + waiting);
      for (let cut = 0; cut <= xml.length; cut++) {
        const { read } = feed(xml, [xml.slice(0, cut), xml.slice(cut)], `cut at ${cut}`, false);
        // The construct the cut falls in is looked at twice more (searched for its end, rescanned).
        assert.ok(read >= 2 * xml.length - 1 && read <= 2 * xml.length + 2 * longest + waiting, `cut at ${cut}: ${read} for ${xml.length}`);
      }
      for (const size of [1, 2, 3, 5, 8, 64]) {
        const { read } = feed(xml, chunks(xml, size), `${size}-character pieces`, false);
        assert.ok(read >= 2 * xml.length - 1 && read <= 6 * xml.length, `${size}-character pieces: ${read} for ${xml.length}`);
      }
    }
  });
});

describe('XmlStreamScanner: refusals as soon as a piece shows them (V1-xmlsurv)', () => {
  it('refuses a fault in the write that completes it, not only at end()', () => {
    const deep = '<a>'.repeat(MAX_XML_DEPTH + 1);
    for (const [first, more] of [
      ['<a></a x>', '<b/>'], ['<a/><b/>', ''], [deep, '</a>'], ['<a><?p \u0001?>', '</a>'], ['<![CDATA[x]]><a/>', ''], ['<a><![CDATA[\u0001]]>', '</a>'],
      ['<a/></undefined>', ''], ['<a></b>', '</a>'], ['<a><!-- x -- y -->', '</a>'], ['<a><b t="1" u=2>', '</a>'], ["<a><b t='>' u=2>", '</a>'],
    ] as const) {
      const scanner = new XmlStreamScanner();
      assert.equal(scanner.write(first), false, JSON.stringify(first));
      assert.equal(scanner.write(more), false, JSON.stringify(first));
      assert.equal(scanner.end(), undefined, JSON.stringify(first));
    }
  });

  it('refuses an answer whose root is followed by a construct that never ends, whole and cut anywhere', () => {
    for (const tail of ['<', '</', '</b', '</undefined', '<b', '<b x="1', '<b/', '<!', '<!-', '<!--', '<!-- x', '<![CDATA[', '<![CDATA[x', '<?', '<?p', '&', '&amp', ']', ']]']) {
      for (const xml of [`<a/>${tail}`, `<r><b/></r>${tail}`, `<r><b/><b/></r>${tail}`]) {
        assert.equal(scanXml(xml), undefined, xml);
        for (let cut = 0; cut <= xml.length; cut++) {
          const scanner = new XmlStreamScanner();
          const ok = scanner.write(xml.slice(0, cut)) && scanner.write(xml.slice(cut));
          assert.equal(ok ? scanner.end() : undefined, undefined, `${xml} cut at ${cut}`);
        }
      }
    }
    // Inside the root too: a start tag cut where the cache has the tag text without its last character.
    for (const xml of ['<r><b/><b/x', '<r><b></b><bx', '<r><b/><b/']) assert.equal(scanXml(xml), undefined, xml);
  });

  it('gives an element whose tag only declares namespaces the one frozen empty attribute list, in the tag cache or not', () => {
    for (const uri of ['urn:p', `urn:${'x'.repeat(600)}`]) {
      const el = scanXml(`<r><e xmlns:p="${uri}"/><e xmlns:p="${uri}"/></r>`);
      for (const e of el!.children) {
        assert.equal(e.attributes.length, 0);
        assert.ok(Object.isFrozen(e.attributes), uri.length.toString());
      }
      assert.equal(el!.children[0]!.attributes, el!.children[1]!.attributes);
    }
  });

  it('keeps U+FEFF where it is text: only the first character of the document is a BOM', () => {
    const xml = '\uFEFF<a>\uFEFFx\uFEFF</a>';
    for (let cut = 0; cut <= xml.length; cut++) {
      const scanner = new XmlStreamScanner();
      assert.ok(scanner.write(xml.slice(0, cut)) && scanner.write(xml.slice(cut)), 'a document with byte order marks is taken cut at any point');
      assert.equal(scanner.end()?.text, '\uFEFFx\uFEFF', `cut at ${cut}`);
    }
    // Outside the root it is not whitespace, in whichever piece it comes; an empty first piece starts nothing.
    for (const [pieces, read] of [[['<a/>\uFEFF'], false], [['<a/>', '\uFEFF'], false], [['\uFEFF', '\uFEFF<a/>'], false], [['', '\uFEFF<a/>'], true], [['', '\uFEFF<a/>', '\uFEFF'], false]] as const) {
      const scanner = new XmlStreamScanner();
      const ok = pieces.every((p) => scanner.write(p));
      assert.equal((ok ? scanner.end() : undefined) !== undefined, read, JSON.stringify(pieces));
    }
  });
});

describe('XmlStreamScanner: text that ends a piece (V1-xmlsurv)', () => {
  /** The text events of an element `c` captured from `pieces`. */
  const texts = (...pieces: string[]) => {
    const got: string[] = [];
    const scanner = new XmlStreamScanner({ capture: (_ns, local) => (local === 'c' ? { open: () => undefined, text: (t: string) => void got.push(t), close: () => undefined } : undefined) });
    for (const p of pieces) assert.ok(scanner.write(p), 'the scanner takes each piece');
    return got.join('');
  };
  it('is taken at once, except what may begin a reference or a `]]>` cut by the piece', () => {
    assert.equal(texts('<r><c>a &amp; b'), 'a & b');
    assert.equal(texts('<r><c>a &amp; b &am'), 'a & b ');
    assert.equal(texts('<r><c>x]]]'), 'x]');
    assert.equal(texts('<r><c>x] ]'), 'x] ');
  });
});

describe('XmlStreamScanner: the 1 MiB waiting limit, exactly (V1-xmlsurv)', () => {
  const MiB = 1024 * 1024;
  it('reads a piece of more than 1 MiB that ends nothing cut', () => {
    const xml = `<r>${'<e t="1">x</e>'.repeat(Math.ceil((2 * MiB) / 15))}</r>`;
    const scanner = new XmlStreamScanner();
    assert.ok(scanner.write(xml), 'the scanner takes a piece of more than 1 MiB');
    assert.equal(scanner.end()?.children.length, Math.ceil((2 * MiB) / 15));
  });

  for (const [what, head] of [['a start tag', '<r><e'], ['the root start tag', '<e'], ['a comment', '<r><!--'], ['an end tag', '<r></r']] as const) {
    it(`lets ${what} wait up to 1 MiB, from its first piece or over many, and refuses it one character longer even when its end follows`, () => {
      const start = head.lastIndexOf('<');
      const waiting = (size: number) => head.slice(start) + ' '.repeat(size - (head.length - start));
      const end = head.includes('!--') ? '-->' : head.includes('</') ? '>' : '/>';
      for (const size of [MiB, MiB + 1]) {
        // In one piece.
        const one = new XmlStreamScanner();
        const okOne = one.write(head.slice(0, start) + waiting(size)) && one.write(end);
        assert.equal(okOne, size === MiB, `${what}: ${size} in one piece`);
        // The rest of it in 64 KiB pieces.
        const many = new XmlStreamScanner();
        const text = head.slice(0, start) + waiting(size);
        let ok = true;
        for (let k = 0; k < text.length && ok; k += 64 * 1024) ok = many.write(text.slice(k, k + 64 * 1024));
        assert.equal(ok, size === MiB, `${what}: ${size} in 64 KiB pieces`);
        if (ok) assert.ok(many.write(end), `${what}: its end`);
      }
    });
  }
});

describe('XmlStreamScanner: the work of a cut construct, counted (V1-xmlsurv)', () => {
  /** charactersRead after feeding `pieces` (all accepted). */
  const looks = (...pieces: string[]) => {
    const scanner = new XmlStreamScanner();
    for (const p of pieces) assert.ok(scanner.write(p), JSON.stringify(pieces));
    return scanner.charactersRead;
  };
  it('counts each piece once, each scan of text, the cut start tag searched once for its end, and two carried characters per piece for the other ends', () => {
    // Whole: once as it arrives, once by scan.
    assert.equal(looks('<r><e t="1"/></r>'), 2 * 17);
    // A start tag cut after `<r><e t`: piece (7) + scan (7) + its rest `<e t` searched (4); then
    // the piece (11), joined with the rest and scanned (4 + 11).
    assert.equal(looks('<r><e t', '="1"/></r>'), 7 + 7 + 4 + 10 + 14);
    // Two more pieces, the second without a `>`: each once, then the rest and both scanned.
    assert.equal(looks('<r><e t', '="1"', '/></r>'), 7 + 7 + 4 + 4 + 6 + (4 + 4 + 6));
    // A comment cut after `<!-- abcdef`: piece + scan (14 + 14); each later piece once, with the
    // two characters carried from the one before (2 + 2, 4 + 2, 2 + 2); then from `<!--` on scanned whole.
    assert.equal(looks('<r><!-- abcdef', 'gh', 'ij -', '->'), 14 + 14 + (2 + 2) + (4 + 2) + (2 + 2) + 19);
    // The same for a PI and a CDATA section (whose end `]]>` is three characters: still two
    // carried; after `<![CDATA[a` only `a` can start the end).
    assert.equal(looks('<r><?p abcd', 'e ?', '>'), 11 + 11 + (3 + 2) + (1 + 2) + 12);
    assert.equal(looks('<r><![CDATA[a', 'b ]', ']>'), 13 + 13 + (3 + 1) + (2 + 2) + 15);
    // `<?` and `>` are no `?>`: the PI's opener is not searched for its end, nothing is rescanned.
    assert.equal(looks('<r><?', '>'), 5 + 5 + 1);
    // An end tag: each piece searched once for `>`.
    assert.equal(looks('<r></r', ' ', '>'), 6 + 6 + 1 + 1 + 5);
    // A start tag cut after `<e`: also waits and is searched (2), not rescanned at each piece.
    assert.equal(looks('<r><e', ' t="1"', '/></r>'), 5 + 5 + 2 + 6 + 6 + (2 + 6 + 6));
    // A `<!` shorter than nine characters is rescanned whole with each piece; a comment of nine is read at once.
    assert.equal(looks('<r><!--', ' ', '-', '-', '>'), 7 + 7 + (1 + 5) + (1 + 6) + (1 + 7) + (1 + 8));
    assert.equal(looks('<r><!--x -->', '</r>'), 12 + 12 + 4 + 4);
    // A comment cut after nine characters waits with its tail carried, not rescanned.
    assert.equal(looks('<r><!-- abcd', 'ef', ' -->'), 12 + 12 + (2 + 2) + (4 + 2) + 15);
  });
});
